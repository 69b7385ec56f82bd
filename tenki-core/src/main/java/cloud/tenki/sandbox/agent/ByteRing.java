package cloud.tenki.sandbox.agent;

/**
 * The most recent bytes of a stream, in fixed memory, with a read cursor: {@link #readNew()}
 * returns what arrived since the last read (or as much of it as the ring still holds) and says how
 * much was overwritten before it could be read. The cursor never stops inside a UTF-8 sequence, so
 * reads decode cleanly. Not thread-safe; the owner synchronises.
 */
final class ByteRing {
  private final byte[] ring;
  private long written; // total bytes ever written
  private long readUpTo; // total bytes consumed by reads

  ByteRing(int capacity) {
    this.ring = new byte[capacity];
  }

  void write(byte[] bytes, int offset, int length) {
    if (length >= ring.length) {
      offset += length - ring.length;
      written += length - ring.length;
      length = ring.length;
    }
    int pos = (int) (written % ring.length);
    int first = Math.min(length, ring.length - pos);
    System.arraycopy(bytes, offset, ring, pos, first);
    System.arraycopy(bytes, offset + first, ring, 0, length - first);
    written += length;
  }

  /** Every byte written so far, while nothing has been overwritten or read. */
  Chunk peekAll() {
    int n = (int) Math.min(written, ring.length);
    byte[] out = new byte[n];
    long from = written - n;
    int pos = (int) (from % ring.length);
    int first = Math.min(n, ring.length - pos);
    System.arraycopy(ring, pos, out, 0, first);
    System.arraycopy(ring, 0, out, first, n - first);
    return new Chunk(out, 0);
  }

  long written() {
    return written;
  }

  boolean hasNew() {
    return readUpTo < written;
  }

  /**
   * The unread bytes, oldest first, and how many unread bytes were overwritten before this read.
   * With {@code whole} false a trailing incomplete UTF-8 sequence stays unread for the next read.
   */
  Chunk readNew(boolean whole) {
    long oldest = Math.max(0, written - ring.length);
    long dropped = Math.max(0, oldest - readUpTo);
    long from = Math.max(readUpTo, oldest);
    int n = (int) (written - from);
    byte[] out = new byte[n];
    int pos = (int) (from % ring.length);
    int first = Math.min(n, ring.length - pos);
    System.arraycopy(ring, pos, out, 0, first);
    System.arraycopy(ring, 0, out, first, n - first);
    int keep = whole ? n : n - incompleteTail(out);
    readUpTo = from + keep;
    if (keep < n) {
      out = java.util.Arrays.copyOf(out, keep);
    }
    return new Chunk(out, dropped);
  }

  /** Bytes at the end of {@code b} that start a UTF-8 sequence not yet complete. */
  private static int incompleteTail(byte[] b) {
    for (int back = 1; back <= Math.min(3, b.length); back++) {
      int v = b[b.length - back] & 0xFF;
      if ((v & 0xC0) == 0x80) {
        continue; // continuation byte: look further back for the lead
      }
      int need = v >= 0xF0 ? 4 : v >= 0xE0 ? 3 : v >= 0xC0 ? 2 : 1;
      return need > back ? back : 0;
    }
    return 0;
  }

  /**
   * @param bytes the unread bytes
   * @param dropped unread bytes lost because the ring overwrote them
   */
  record Chunk(byte[] bytes, long dropped) {}
}
