package cloud.tenki.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Arrays;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DiskUsageTest {

  @Test
  void countsAllocatedBlocksOnceAndFollowsNoLink(@TempDir Path dir) throws Exception {
    byte[] mib = new byte[1 << 20];
    Arrays.fill(mib, (byte) 'x');
    Files.write(dir.resolve("real"), mib);
    Files.createLink(dir.resolve("hardlink"), dir.resolve("real"));
    try (RandomAccessFile sparse = new RandomAccessFile(dir.resolve("sparse").toFile(), "rw")) {
      sparse.setLength(4L << 30); // 4 GiB long, nothing written
    }
    Files.createSymbolicLink(dir.resolve("usr"), Paths.get("/usr"));

    assertThat(DiskUsage.allocatedBytes(dir))
        .as("the real file once, plus directory and metadata blocks")
        .isBetween(1L << 20, 2L << 20);
    // what a sum of lengths says: the sparse file's length and the linked file twice
    assertThat(DiskUsage.lengths(dir)).isGreaterThan(4L << 30);
  }

  @Test
  void aMissingTreeUsesNothing(@TempDir Path dir) {
    assertThat(DiskUsage.allocatedBytes(dir.resolve("gone"))).isZero();
  }
}
