package cloud.tenki.sandbox.agent;

import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What a tool call returns: content for the model, a structured result and whether the call failed.
 *
 * <p>{@code structured} conforms to the tool's {@link ToolSpec#outputSchema()}: absent fields are
 * left out, never null. Its values are JSON-like ({@code String}, {@code Long}, {@code Integer},
 * {@code Boolean}, {@code List}, {@code Map}), so any JSON library serialises it as is. Error
 * results ({@code isError}) carry an empty map: their text says what went wrong and what to do, and
 * faces omit structured content for them.
 *
 * <p>{@link #text()} is what a face without structured output shows the model: the exit code,
 * stdout and stderr sections, truncation notes and image paths, as plain text.
 *
 * <p>Immutable.
 *
 * @param content text and images, in order
 * @param structured the structured result (empty for errors)
 * @param isError whether the call failed (bad arguments, missing file, limit reached, backend
 *     failure); a command that exits non-zero is not an error
 */
public record ToolResult(
    List<ToolContent> content, Map<String, Object> structured, boolean isError) {

  public ToolResult {
    content = List.copyOf(content);
    structured = Collections.unmodifiableMap(new LinkedHashMap<>(structured));
  }

  /** A failed call whose text tells the model what went wrong and what to do. */
  static ToolResult error(String message) {
    return new ToolResult(List.of(new ToolContent.Text(message)), Map.of(), true);
  }

  /** Every text content, joined with blank lines. */
  public String text() {
    List<String> parts = new ArrayList<>();
    for (ToolContent c : content) {
      if (c instanceof ToolContent.Text t) {
        parts.add(t.text());
      }
    }
    return String.join("\n\n", parts);
  }

  /** The images among the content. */
  public List<ToolContent.Image> images() {
    List<ToolContent.Image> images = new ArrayList<>();
    for (ToolContent c : content) {
      if (c instanceof ToolContent.Image i) {
        images.add(i);
      }
    }
    return images;
  }

  @Override
  public String toString() {
    return "ToolResult[isError=" + isError + ", " + Objects.toString(text()) + "]";
  }
}
