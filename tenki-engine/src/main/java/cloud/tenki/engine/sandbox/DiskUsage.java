package cloud.tenki.engine.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * How much disk a sandbox's tree takes: its allocated blocks, so a sparse file counts what it uses,
 * not its length, and a hard-linked file counts once. Measured with coreutils {@code du}, which
 * walks a tree of 50,000 files in a few tens of milliseconds; the JDK cannot read a file's block
 * count, and a walk in Java costs an order of magnitude more CPU, every few seconds, for every
 * sandbox. Without {@code du} the walk in Java adds up file lengths instead. Never follows symlinks
 * or crosses into another file system. Stateless; safe while the sandbox runs.
 */
public final class DiskUsage {

  private static final long TIMEOUT_SECONDS = 60;

  private DiskUsage() {}

  /** Bytes allocated to the tree under {@code root} (0 when it does not exist). */
  public static long allocatedBytes(Path root) {
    Optional<Path> du = HostSystem.which("du");
    if (du.isPresent()) {
      long measured = du(du.get(), root);
      if (measured >= 0) {
        return measured;
      }
    }
    return lengths(root);
  }

  /** What du reports, or -1 when it could not say. */
  static long du(Path du, Path root) {
    Process p;
    try {
      p =
          new ProcessBuilder(du.toString(), "-s", "-B1", "-x", "-P", "--", root.toString())
              .redirectError(ProcessBuilder.Redirect.DISCARD)
              .start();
    } catch (IOException e) {
      return -1;
    }
    try (InputStream out = p.getInputStream()) {
      p.getOutputStream().close();
      // du exits 1 when a file vanished during the walk (normal while the sandbox runs) and still
      // prints the total of what it saw
      String line = new String(out.readNBytes(4096), StandardCharsets.UTF_8);
      if (!p.waitFor(TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        return -1;
      }
      int tab = line.indexOf('\t');
      return tab > 0 ? Long.parseLong(line.substring(0, tab)) : -1;
    } catch (IOException | NumberFormatException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    } finally {
      p.destroyForcibly();
    }
  }

  /** The sum of file lengths under {@code root}, without following symlinks. */
  static long lengths(Path root) {
    AtomicLong total = new AtomicLong();
    try {
      Files.walkFileTree(
          root,
          new SimpleFileVisitor<>() {
            @Override
            public FileVisitResult visitFile(Path file, BasicFileAttributes attrs) {
              total.addAndGet(attrs.size());
              return FileVisitResult.CONTINUE;
            }

            @Override
            public FileVisitResult visitFileFailed(Path file, IOException exc) {
              return FileVisitResult.CONTINUE;
            }
          });
    } catch (IOException e) {
      // a tree being changed underneath is normal; report what was seen
    }
    return total.get();
  }
}
