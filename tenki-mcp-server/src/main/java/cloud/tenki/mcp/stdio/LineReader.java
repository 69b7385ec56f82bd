package cloud.tenki.mcp.stdio;

import java.io.IOException;
import java.io.InputStream;
import java.util.Arrays;

/**
 * Splits a byte stream into newline-terminated lines without ever holding more than the message
 * size cap: an over-long line is skipped up to its newline and reported as such. A final line
 * without a newline still counts. {@code \r\n} endings are accepted. Not thread-safe.
 */
final class LineReader {

  /** One line, or an over-long line that was skipped ({@code bytes == null}). */
  record Line(byte[] bytes, int length, long skippedBytes) {
    boolean tooLong() {
      return bytes == null;
    }
  }

  private final InputStream in;
  private final int maxLineBytes;
  private final byte[] chunk = new byte[64 * 1024];
  private int chunkPos;
  private int chunkEnd;
  private byte[] line = new byte[8 * 1024];

  LineReader(InputStream in, int maxLineBytes) {
    this.in = in;
    this.maxLineBytes = maxLineBytes;
  }

  /** The next line, or {@code null} at the end of the stream. */
  Line next() throws IOException {
    int length = 0;
    long skipped = 0;
    boolean sawAny = false;
    while (true) {
      if (chunkPos == chunkEnd && !fill()) {
        if (!sawAny) {
          return null;
        }
        return finish(length, skipped);
      }
      sawAny = true;
      int newline = indexOf((byte) '\n', chunkPos, chunkEnd);
      int end = newline < 0 ? chunkEnd : newline;
      int count = end - chunkPos;
      if (skipped > 0 || length + count > maxLineBytes) {
        skipped += length + count;
        length = 0;
      } else {
        append(length, count);
        length += count;
      }
      chunkPos = newline < 0 ? chunkEnd : newline + 1;
      if (newline >= 0) {
        return finish(length, skipped);
      }
    }
  }

  private Line finish(int length, long skipped) {
    if (skipped > 0) {
      return new Line(null, 0, skipped);
    }
    if (length > 0 && line[length - 1] == '\r') {
      length--;
    }
    return new Line(line, length, 0);
  }

  private void append(int length, int count) {
    if (line.length < length + count) {
      line =
          Arrays.copyOf(
              line, Math.min(maxLineBytes + 1, Math.max(line.length * 2, length + count)));
    }
    System.arraycopy(chunk, chunkPos, line, length, count);
  }

  private boolean fill() throws IOException {
    int read = in.read(chunk);
    if (read <= 0) {
      return false;
    }
    chunkPos = 0;
    chunkEnd = read;
    return true;
  }

  private int indexOf(byte b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (chunk[i] == b) {
        return i;
      }
    }
    return -1;
  }
}
