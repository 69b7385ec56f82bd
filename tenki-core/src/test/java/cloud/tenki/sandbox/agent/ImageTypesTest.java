package cloud.tenki.sandbox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ImageTypesTest {

  private static byte[] bytes(int... b) {
    byte[] out = new byte[b.length];
    for (int i = 0; i < b.length; i++) {
      out[i] = (byte) b[i];
    }
    return out;
  }

  @Test
  void formatsAreRecognisedByTheirMagicBytes() {
    assertThat(ImageTypes.detect(bytes(0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A, 0)))
        .isEqualTo("image/png");
    assertThat(ImageTypes.detect(bytes(0xFF, 0xD8, 0xFF, 0xE0))).isEqualTo("image/jpeg");
    assertThat(ImageTypes.detect("GIF89a...".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("image/gif");
    assertThat(ImageTypes.detect("RIFF\0\0\0\0WEBPVP8 ".getBytes(StandardCharsets.US_ASCII)))
        .isEqualTo("image/webp");
    assertThat(ImageTypes.detect("RIFF\0\0\0\0WAVEfmt ".getBytes(StandardCharsets.US_ASCII)))
        .isNull();
    assertThat(ImageTypes.detect("  <svg width='1'/>".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("image/svg+xml");
    assertThat(
            ImageTypes.detect(
                "<?xml version='1.0'?>\n<svg xmlns='x'/>".getBytes(StandardCharsets.UTF_8)))
        .isEqualTo("image/svg+xml");
    assertThat(ImageTypes.detect("<?xml version='1.0'?><html/>".getBytes(StandardCharsets.UTF_8)))
        .isNull();
    assertThat(ImageTypes.detect(new byte[0])).isNull();
  }

  @Test
  void imageExtensions() {
    assertThat(ImageTypes.hasImageExtension("plot.PNG")).isTrue();
    assertThat(ImageTypes.hasImageExtension("a.jpeg")).isTrue();
    assertThat(ImageTypes.hasImageExtension("data.csv")).isFalse();
  }
}
