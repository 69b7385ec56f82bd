package cloud.tenki.sandbox.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Builds a {@link ToolResult}: structured fields (nulls are left out, as the output schemas
 * require), the text a model reads, images, and notes (which go to both the {@code note} field and
 * the end of the text).
 */
final class ResultBuilder {
  private final Map<String, Object> structured = new LinkedHashMap<>();
  private final StringBuilder text = new StringBuilder();
  private final List<ToolContent.Image> images = new ArrayList<>();
  private final List<String> notes = new ArrayList<>();

  ResultBuilder put(String key, Object value) {
    if (value != null) {
      structured.put(key, value);
    }
    return this;
  }

  /** Appends a paragraph (separated from the previous one by a newline). */
  ResultBuilder line(String line) {
    if (text.length() > 0 && text.charAt(text.length() - 1) != '\n') {
      text.append('\n');
    }
    text.append(line);
    return this;
  }

  /** Appends a titled section whose body is shown verbatim. */
  ResultBuilder section(String title, String body) {
    line("--- " + title + " ---");
    text.append('\n').append(body);
    return this;
  }

  ResultBuilder image(ToolContent.Image image) {
    images.add(image);
    return this;
  }

  ResultBuilder notes(List<String> more) {
    for (String n : more) {
      if (n != null && !n.isEmpty() && !notes.contains(n)) {
        notes.add(n);
      }
    }
    return this;
  }

  ToolResult build() {
    if (!notes.isEmpty()) {
      String joined = String.join(" ", notes);
      structured.put("note", joined);
      line("Note: " + joined);
    }
    List<ToolContent> content = new ArrayList<>();
    content.add(new ToolContent.Text(text.toString()));
    content.addAll(images);
    return new ToolResult(content, structured, false);
  }
}
