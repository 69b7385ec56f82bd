package cloud.tenki.mcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Objects;

/**
 * The result of one tool call: content for the model, optional structured content, and whether the
 * call failed. Immutable.
 *
 * <p>When a tool declares an output schema, a successful result must carry {@code
 * structuredContent} that conforms to it; the server checks this and turns a violation into an
 * error result rather than send clients data they would reject. When {@code content} is empty and
 * structured content is present, the server adds the serialized JSON as text, as the protocol
 * recommends for older clients.
 *
 * <pre>{@code
 * ToolResult.text("hello");
 * ToolResult.error("File not found: /work/a.txt");
 * ToolResult.structured(json, "exit code 0");
 * }</pre>
 *
 * @param content text and image items (may be empty)
 * @param structuredContent a JSON object, or {@code null}
 * @param isError whether the call failed (a tool execution error the model can act on)
 */
public record ToolResult(List<Content> content, ObjectNode structuredContent, boolean isError) {

  /** Copies the content list and the structured content. */
  public ToolResult {
    content = List.copyOf(Objects.requireNonNull(content, "content"));
    structuredContent = structuredContent == null ? null : structuredContent.deepCopy();
  }

  /** A successful result with one text item. */
  public static ToolResult text(String text) {
    return new ToolResult(List.of(new Content.Text(text)), null, false);
  }

  /** A failed result with one text item saying what went wrong and what to do about it. */
  public static ToolResult error(String message) {
    return new ToolResult(List.of(new Content.Text(message)), null, true);
  }

  /** A successful result with the given content items. */
  public static ToolResult of(List<Content> content) {
    return new ToolResult(content, null, false);
  }

  /**
   * A successful structured result; {@code summary} (may be {@code null}) becomes the text item,
   * else the server adds the JSON as text.
   */
  public static ToolResult structured(JsonNode structuredContent, String summary) {
    if (!(structuredContent instanceof ObjectNode object)) {
      throw new IllegalArgumentException("structuredContent must be a JSON object");
    }
    List<Content> content = summary == null ? List.of() : List.of(new Content.Text(summary));
    return new ToolResult(content, object, false);
  }
}
