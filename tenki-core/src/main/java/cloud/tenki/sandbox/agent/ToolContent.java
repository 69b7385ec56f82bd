package cloud.tenki.sandbox.agent;

import java.util.Objects;

/**
 * One piece of what a tool returns to the model: text, or an image the sandbox produced.
 *
 * <p>Faces map {@link Text} to a text block and {@link Image} to an image block (MCP {@code image}
 * content, a LangChain4j image); a face that can show only text uses {@link ToolResult#text()},
 * which names every image's path.
 *
 * <pre>{@code
 * for (ToolContent c : result.content()) {
 *   switch (c) {
 *     case ToolContent.Text t -> System.out.println(t.text());
 *     case ToolContent.Image i -> Files.write(Path.of("out.png"), i.data());
 *   }
 * }
 * }</pre>
 */
public sealed interface ToolContent {

  /**
   * Text for the model.
   *
   * @param text the text, complete and readable on its own
   */
  record Text(String text) implements ToolContent {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * An image read from the sandbox (a plot written by {@code run_code}, an image file read with
   * {@code read_file}). Immutable: the array is copied in and out.
   *
   * @param data the image bytes
   * @param mimeType {@code image/png}, {@code image/jpeg}, {@code image/gif}, {@code image/webp} or
   *     {@code image/svg+xml}
   * @param path where the image is in the sandbox
   */
  record Image(byte[] data, String mimeType, String path) implements ToolContent {
    public Image {
      data = Objects.requireNonNull(data, "data").clone();
      Objects.requireNonNull(mimeType, "mimeType");
      Objects.requireNonNull(path, "path");
    }

    @Override
    public byte[] data() {
      return data.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Image i
          && java.util.Arrays.equals(data, i.data)
          && mimeType.equals(i.mimeType)
          && path.equals(i.path);
    }

    @Override
    public int hashCode() {
      return Objects.hash(mimeType, path) * 31 + java.util.Arrays.hashCode(data);
    }

    @Override
    public String toString() {
      return "Image[" + mimeType + ", " + data.length + " bytes, " + path + "]";
    }
  }
}
