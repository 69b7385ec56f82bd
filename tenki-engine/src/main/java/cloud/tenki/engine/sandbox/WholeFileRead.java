package cloud.tenki.engine.sandbox;

import cloud.tenki.engine.memory.MemoryBudget;
import com.google.protobuf.ByteString;
import com.google.protobuf.UnsafeByteOperations;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;
import java.util.function.LongSupplier;
import java.util.function.Supplier;

/**
 * The buffer of one whole-file read. A small file is read as it comes. Past {@link #FREE} bytes the
 * buffer is sized once, from the file's size, after {@link Room} agreed to that size, and the rest
 * of the file is read straight into it; it grows again (after asking again) only when the file was
 * longer than its size said (a file being appended to, or one in {@code /proc}). The result wraps
 * the buffer without copying it. Not thread-safe; one per read.
 */
public final class WholeFileRead {

  /** Bytes read without asking for room. */
  public static final int FREE = MemoryBudget.LARGE;

  /** Agrees to a whole-file read holding a buffer of {@code bytes}, or throws to end it. */
  @FunctionalInterface
  public interface Room {
    /**
     * Called, on the reading thread, before the buffer grows to {@code bytes} (a running total).
     * May block.
     */
    void reserve(long bytes);

    /** No limit: for callers that account for memory some other way. */
    Room ANY = bytes -> {};
  }

  private final long limit;
  private final Room room;
  private final LongSupplier sizeHint;
  private final Supplier<StatusRuntimeException> tooLarge;

  /**
   * @param maxBytes the largest file accepted; one byte more is read to tell a larger one
   * @param sizeHint the file's size as the file system reports it, or -1
   * @param tooLarge the failure for a file whose reported size is over {@code maxBytes}
   */
  WholeFileRead(
      int maxBytes, Room room, LongSupplier sizeHint, Supplier<StatusRuntimeException> tooLarge) {
    this.limit = maxBytes + 1L;
    this.room = room;
    this.sizeHint = sizeHint;
    this.tooLarge = tooLarge;
  }

  /** Reads {@code in} to its end (at most {@code maxBytes + 1} bytes are kept). */
  ByteString from(InputStream in) {
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    byte[] chunk = new byte[64 * 1024];
    try {
      int n;
      while ((n = in.read(chunk)) >= 0) {
        head.write(chunk, 0, n);
        if (head.size() >= FREE) {
          return large(in, head.toByteArray());
        }
      }
    } catch (IOException e) {
      // the helper was killed (timeout, cancellation); its exit status tells why
    }
    return UnsafeByteOperations.unsafeWrap(head.toByteArray());
  }

  private ByteString large(InputStream in, byte[] head) {
    long hint = sizeHint.getAsLong();
    if (hint >= limit) {
      throw tooLarge.get();
    }
    // a size of 0 (or none) is what /proc and devices report: start with some room then
    int capacity = (int) Math.min(limit, hint > head.length ? hint : head.length + (long) FREE);
    room.reserve(capacity);
    byte[] buf = Arrays.copyOf(head, capacity);
    int len = head.length;
    try {
      while (true) {
        if (len == buf.length) {
          if (len >= limit) {
            break; // one byte over the maximum tells the caller enough
          }
          int next = in.read(); // grow only when there is more
          if (next < 0) {
            break;
          }
          int grown = (int) Math.min(limit, 2L * len);
          room.reserve(grown);
          buf = Arrays.copyOf(buf, grown);
          buf[len++] = (byte) next;
          continue;
        }
        int n = in.read(buf, len, buf.length - len);
        if (n < 0) {
          break;
        }
        len += n;
      }
    } catch (IOException e) {
      // as above: the exit status tells why
    }
    return UnsafeByteOperations.unsafeWrap(buf, 0, len);
  }
}
