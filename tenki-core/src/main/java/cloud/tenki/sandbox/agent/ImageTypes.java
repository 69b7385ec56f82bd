package cloud.tenki.sandbox.agent;

import java.nio.charset.StandardCharsets;
import java.util.Locale;

/** Recognises the image formats models can be shown: by magic bytes, SVG by its text. */
final class ImageTypes {
  private ImageTypes() {}

  /** Images larger than this are not returned as images. */
  static final int MAX_IMAGE_BYTES = 5 * 1024 * 1024;

  /** The MIME type of {@code data} if it is a PNG, JPEG, GIF, WebP or SVG image, else null. */
  static String detect(byte[] data) {
    if (startsWith(data, 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A)) {
      return "image/png";
    }
    if (startsWith(data, 0xFF, 0xD8, 0xFF)) {
      return "image/jpeg";
    }
    if (startsWith(data, 'G', 'I', 'F', '8')) {
      return "image/gif";
    }
    if (data.length >= 12
        && startsWith(data, 'R', 'I', 'F', 'F')
        && data[8] == 'W'
        && data[9] == 'E'
        && data[10] == 'B'
        && data[11] == 'P') {
      return "image/webp";
    }
    if (looksLikeSvg(data)) {
      return "image/svg+xml";
    }
    return null;
  }

  /** Whether {@code name} has an image file extension. */
  static boolean hasImageExtension(String name) {
    String n = name.toLowerCase(Locale.ROOT);
    return n.endsWith(".png")
        || n.endsWith(".jpg")
        || n.endsWith(".jpeg")
        || n.endsWith(".gif")
        || n.endsWith(".webp")
        || n.endsWith(".svg");
  }

  private static boolean looksLikeSvg(byte[] data) {
    int n = Math.min(data.length, 1024);
    String start = new String(data, 0, n, StandardCharsets.UTF_8).stripLeading();
    if (start.startsWith("\uFEFF")) {
      start = start.substring(1);
    }
    if (start.startsWith("<svg")) {
      return true;
    }
    return (start.startsWith("<?xml") || start.startsWith("<!DOCTYPE svg"))
        && start.contains("<svg");
  }

  private static boolean startsWith(byte[] data, int... magic) {
    if (data.length < magic.length) {
      return false;
    }
    for (int i = 0; i < magic.length; i++) {
      if ((data[i] & 0xFF) != magic[i]) {
        return false;
      }
    }
    return true;
  }
}
