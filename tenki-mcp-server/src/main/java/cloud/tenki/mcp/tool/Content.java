package cloud.tenki.mcp.tool;

import java.util.Objects;

/**
 * One item of a tool result's {@code content}: text or an image. Immutable.
 *
 * <pre>{@code
 * List<Content> content = List.of(
 *     new Content.Text("exit code 0"),
 *     new Content.Image(base64Png, "image/png"));
 * }</pre>
 */
public sealed interface Content permits Content.Text, Content.Image {

  /**
   * Text for the model.
   *
   * @param text the text (may be empty, never {@code null})
   */
  record Text(String text) implements Content {
    public Text {
      Objects.requireNonNull(text, "text");
    }
  }

  /**
   * An image, sent to the client as base64 so that it reaches the model as an image.
   *
   * @param base64Data the image bytes, base64-encoded (standard alphabet, padded)
   * @param mimeType such as {@code image/png}
   */
  record Image(String base64Data, String mimeType) implements Content {
    public Image {
      if (base64Data == null || base64Data.isEmpty()) {
        throw new IllegalArgumentException("base64Data of an image is missing");
      }
      if (mimeType == null || !mimeType.startsWith("image/")) {
        throw new IllegalArgumentException(
            "mimeType of an image must start with image/ but was " + mimeType);
      }
    }

    @Override
    public String toString() {
      // the data can be megabytes; keep logs and assertion messages readable
      return "Image[" + mimeType + ", " + base64Data.length() + " base64 chars]";
    }
  }
}
