package cloud.tenki.sandbox.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.sandbox.FileEntry;
import cloud.tenki.sandbox.FileStat;
import cloud.tenki.sandbox.NotFoundException;
import cloud.tenki.sandbox.SandboxFiles;
import cloud.tenki.sandbox.TenkiException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.Arrays;
import java.util.Random;
import org.junit.jupiter.api.Test;

/** File behaviour of the suite: paths, whole and streamed reads and writes, metadata. */
public interface FilesBehaviour extends SuiteContext {

  @Test
  default void textAndBytesRoundTrip() {
    SandboxFiles fs = sandbox().fs();
    fs.writeText("hello.txt", "grüße, 世界\n");
    assertThat(fs.readText("hello.txt")).isEqualTo("grüße, 世界\n");
    byte[] all = new byte[256];
    for (int i = 0; i < all.length; i++) {
      all[i] = (byte) i;
    }
    fs.writeBytes("/home/tenki/bytes.bin", all);
    assertThat(fs.readBytes("bytes.bin")).isEqualTo(all);
    assertThat(sandbox().exec("cat", "hello.txt").check().stdoutText()).isEqualTo("grüße, 世界\n");
  }

  @Test
  default void largeFilesStreamBothWays() throws Exception {
    SandboxFiles fs = sandbox().fs();
    byte[] data = new byte[12 * 1024 * 1024 + 17];
    new Random(7).nextBytes(data);
    try (OutputStream out = fs.openWrite("big.bin")) {
      for (int off = 0; off < data.length; off += 1_000_000) {
        out.write(data, off, Math.min(1_000_000, data.length - off));
      }
    }
    assertThat(fs.stat("big.bin").size()).isEqualTo(data.length);
    try (InputStream in = fs.openRead("big.bin")) {
      assertThat(in.readAllBytes()).isEqualTo(data);
    }
    try (InputStream in = fs.openRead("big.bin", 5_000_000, 1234)) {
      assertThat(in.readAllBytes()).isEqualTo(Arrays.copyOfRange(data, 5_000_000, 5_001_234));
    }
    byte[] two = Arrays.copyOf(data, 3 * 1024 * 1024);
    fs.writeBytes("two.bin", two);
    assertThat(fs.readBytes("two.bin")).isEqualTo(two);
  }

  @Test
  default void appendAddsToTheEndAndCreatesMissingFiles() throws Exception {
    SandboxFiles fs = sandbox().fs();
    fs.remove("appended.txt");
    fs.appendText("appended.txt", "one\n");
    fs.appendText("appended.txt", "two\n");
    assertThat(fs.readText("appended.txt")).isEqualTo("one\ntwo\n");
    byte[] big = new byte[2 * 1024 * 1024 + 3];
    new Random(3).nextBytes(big);
    try (OutputStream out = fs.openAppend("appended.txt")) {
      out.write(big);
    }
    byte[] all = fs.readBytes("appended.txt");
    assertThat(all).hasSize(8 + big.length);
    assertThat(Arrays.copyOfRange(all, 8, all.length)).isEqualTo(big);
    fs.writeText("appended.txt", "fresh");
    assertThat(fs.readText("appended.txt")).isEqualTo("fresh");
  }

  @Test
  default void statListMkdirRemove() {
    SandboxFiles fs = sandbox().fs();
    fs.mkdir("tree/a/b");
    fs.writeText("tree/a/file.txt", "12345");
    fs.writeText("tree/.hidden", "x");
    FileStat st = fs.stat("tree/a/file.txt");
    assertThat(st.exists()).isTrue();
    assertThat(st.size()).isEqualTo(5);
    assertThat(st.directory()).isFalse();
    assertThat(st.path()).isEqualTo("/home/tenki/tree/a/file.txt");
    assertThat(fs.stat("tree/a").directory()).isTrue();
    assertThat(fs.stat("tree/missing").exists()).isFalse();
    assertThat(fs.exists("tree/a/b")).isTrue();

    assertThat(fs.list("tree").stream().map(FileEntry::name)).containsExactly("a");
    assertThat(fs.list("tree", true).stream().map(FileEntry::name))
        .containsExactlyInAnyOrder("a", ".hidden");
    FileEntry a = fs.list("tree").get(0);
    assertThat(a.directory()).isTrue();

    assertThatThrownBy(() -> fs.remove("tree/a")).isInstanceOf(TenkiException.class);
    assertThat(fs.remove("tree/a/file.txt")).isTrue();
    assertThat(fs.remove("tree", true)).isTrue();
    assertThat(fs.exists("tree")).isFalse();
    assertThat(fs.remove("tree/never-there")).isFalse();
  }

  @Test
  default void missingFileIsNotFound() {
    assertThatThrownBy(() -> sandbox().fs().readText("no/such/file.txt"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  default void pathsThatEscapeTheWorkdirAreRejectedBeforeAnyCall() {
    SandboxFiles fs = sandbox().fs();
    for (String bad :
        new String[] {"../etc/passwd", "/etc/passwd", "a/../../b", "/home/tenkix/a"}) {
      assertThatThrownBy(() -> fs.readText(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class)
          .hasMessageContaining(bad);
      assertThatThrownBy(() -> fs.writeText(bad, "x")).isInstanceOf(IllegalArgumentException.class);
    }
    assertThatThrownBy(() -> fs.stat("")).isInstanceOf(IllegalArgumentException.class);
    assertThat(fs.resolve("/home/tenki/a/../b")).isEqualTo("/home/tenki/b");
    assertThat(fs.resolve("./c//d/")).isEqualTo("/home/tenki/c/d");
    assertThatThrownBy(() -> fs.openRead("x", -1, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("offset");
  }
}
