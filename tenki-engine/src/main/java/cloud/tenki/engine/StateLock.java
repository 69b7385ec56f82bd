package cloud.tenki.engine;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * Keeps one engine per state directory. Two engines on one directory would each take the other's
 * sessions for their own: restore them as paused after a "restart", delete files the other still
 * serves, hand the same sandbox to two init processes. The lock is an exclusive lock on {@code
 * engine.lock} in the directory, held until {@link #release()} (or the process ends); the file
 * names the process that holds it.
 */
final class StateLock {
  static final String FILE = "engine.lock";

  private final FileChannel channel;
  private final FileLock lock;

  private StateLock(FileChannel channel, FileLock lock) {
    this.channel = channel;
    this.lock = lock;
  }

  /**
   * Takes the lock of {@code dir}.
   *
   * @throws IllegalStateException naming the directory (and the holder's pid when known) when
   *     another engine, in this process or another, holds it
   */
  static StateLock acquire(Path dir) throws IOException {
    Path file = dir.resolve(FILE);
    FileChannel ch =
        FileChannel.open(
            file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    FileLock l;
    try {
      l = ch.tryLock();
    } catch (OverlappingFileLockException sameProcess) {
      l = null;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (l == null) {
      String holder = holder(ch);
      ch.close();
      throw new IllegalStateException(
          "another tenki engine"
              + (holder.isEmpty() ? "" : " (process " + holder + ")")
              + " is using the state directory "
              + dir
              + "; stop it, or give this engine its own state directory (--state-dir)");
    }
    ch.truncate(0);
    ch.write(
        ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)),
        0);
    return new StateLock(ch, l);
  }

  private static String holder(FileChannel ch) {
    try {
      ByteBuffer b = ByteBuffer.allocate(32);
      ch.read(b, 0);
      return new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).strip();
    } catch (IOException e) {
      return "";
    }
  }

  /** Lets another engine use the directory. Idempotent. */
  void release() {
    try {
      if (lock.isValid()) {
        lock.release();
      }
      channel.close();
    } catch (IOException e) {
      // closing the channel releases the lock anyway
    }
  }
}
