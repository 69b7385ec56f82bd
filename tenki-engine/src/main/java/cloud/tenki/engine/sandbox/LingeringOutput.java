package cloud.tenki.engine.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Output that processes a command left running write to its pipes after the command ended and its
 * caller stopped listening: a server started with {@code &} inherits the command's stdout and
 * stderr, which stay open for it (see {@link OwnPipes}). Closing them instead would kill such a
 * process with SIGPIPE, or fail its writes, at its next line of log; so callers read them to their
 * end and drop what they carry. Stateless.
 */
public final class LingeringOutput {

  /**
   * How fast processes left running may write once nobody reads their output: beyond it a writer
   * waits as on a full pipe, instead of costing the engine a CPU ({@code yes &}).
   */
  public static final int BYTES_PER_SECOND = 64 * 1024;

  private LingeringOutput() {}

  /** Reads {@code in} to its end and drops what it carries, at most {@link #BYTES_PER_SECOND}. */
  public static void drop(InputStream in, byte[] buf) throws IOException {
    long windowStart = System.nanoTime();
    long inWindow = 0;
    int n;
    while ((n = in.read(buf)) >= 0) {
      inWindow += n;
      if (inWindow >= BYTES_PER_SECOND) {
        long left = TimeUnit.SECONDS.toNanos(1) - (System.nanoTime() - windowStart);
        if (left > 0) {
          LockSupport.parkNanos(left);
        }
        windowStart = System.nanoTime();
        inWindow = 0;
      }
    }
  }
}
