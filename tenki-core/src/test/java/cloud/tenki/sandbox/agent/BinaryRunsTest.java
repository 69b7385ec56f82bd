package cloud.tenki.sandbox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class BinaryRunsTest {

  private static String decoded(byte[] bytes) {
    return new String(bytes, StandardCharsets.UTF_8);
  }

  private static long markers(String shown) {
    return shown.split("\\[binary data, about ", -1).length - 1L;
  }

  @Test
  void textIsReturnedAsItIs() {
    String text = "héllo wörld ✓ 𝄞\n\tindented\r\n\u001b[31mred\u001b[0m\n";
    assertThat(BinaryRuns.collapse(text)).isSameAs(text);
  }

  @Test
  void randomBytesBecomeOneMarkerWithTheirSize() {
    byte[] noise = new byte[64 * 1024];
    new Random(7).nextBytes(noise);
    String shown = BinaryRuns.collapse(decoded(noise));
    assertThat(markers(shown)).isEqualTo(1);
    assertThat(shown).endsWith("]\n");
    // each undecodable byte counts as one byte, so the estimate is close to the real size
    assertThat(shown).startsWith("[binary data, about 6").contains(" KiB, not shown");
  }

  @Test
  void textLinesAroundBinaryStayAndAFewBadBytesInALineOfWordsDoNotMakeItBinary() {
    byte[] noise = new byte[3000];
    new Random(11).nextBytes(noise);
    String text =
        "first line\n"
            + decoded(noise)
            + "\nCaf\uFFFD au lait, cr\uFFFDme br\uFFFDl\uFFFDe et g\uFFFDteau\n"
            + "last";
    String shown = BinaryRuns.collapse(text);
    assertThat(shown)
        .startsWith("first line\n[binary data, about ")
        .endsWith("]\nCaf\uFFFD au lait, cr\uFFFDme br\uFFFDl\uFFFDe et g\uFFFDteau\nlast");
    assertThat(markers(shown)).isEqualTo(1);
  }

  @Test
  void nulAndOtherControlCodesCountAsBinary() {
    String shown = BinaryRuns.collapse("a\u0000\u0001\u0002\u0003\u0004b\n");
    assertThat(shown).startsWith("[binary data, about 8 bytes, not shown");
  }
}
