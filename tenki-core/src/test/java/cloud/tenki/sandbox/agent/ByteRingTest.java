package cloud.tenki.sandbox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

class ByteRingTest {

  private static byte[] b(String s) {
    return s.getBytes(StandardCharsets.UTF_8);
  }

  private static String s(ByteRing.Chunk c) {
    return new String(c.bytes(), StandardCharsets.UTF_8);
  }

  @Test
  void readsReturnWhatIsNewSinceTheLastRead() {
    ByteRing ring = new ByteRing(16);
    ring.write(b("hello "), 0, 6);
    assertThat(s(ring.readNew(false))).isEqualTo("hello ");
    assertThat(ring.hasNew()).isFalse();
    ring.write(b("world"), 0, 5);
    ByteRing.Chunk c = ring.readNew(false);
    assertThat(s(c)).isEqualTo("world");
    assertThat(c.dropped()).isZero();
  }

  @Test
  void overwrittenBytesAreCountedAsDropped() {
    ByteRing ring = new ByteRing(8);
    ring.write(b("0123456789abcdef"), 0, 16); // one big write
    ring.write(b("XYZ"), 0, 3);
    ByteRing.Chunk c = ring.readNew(false);
    assertThat(s(c)).isEqualTo("abcdefXYZ".substring(1));
    assertThat(c.dropped()).isEqualTo(11);
    assertThat(ring.written()).isEqualTo(19);
  }

  @Test
  void anIncompleteCharacterWaitsForTheNextRead() {
    ByteRing ring = new ByteRing(32);
    byte[] euro = b("a€"); // a E2 82 AC
    ring.write(euro, 0, 3);
    assertThat(s(ring.readNew(false))).isEqualTo("a");
    ring.write(euro, 3, 1);
    assertThat(s(ring.readNew(false))).isEqualTo("€");
    ring.write(euro, 1, 1);
    assertThat(ring.readNew(true).bytes()).containsExactly((byte) 0xE2);
  }

  @Test
  void peekAllReturnsEverythingWhileItFits() {
    ByteRing ring = new ByteRing(8);
    ring.write(b("abc"), 0, 3);
    ring.readNew(false);
    ring.write(b("de"), 0, 2);
    assertThat(s(ring.peekAll())).isEqualTo("abcde");
  }
}
