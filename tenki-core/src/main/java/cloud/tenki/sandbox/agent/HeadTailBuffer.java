package cloud.tenki.sandbox.agent;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * Collects a stream of bytes in bounded memory and renders it as text within an {@link
 * OutputBudget}.
 *
 * <p>The buffer keeps the first {@code 4 * budget} bytes and a ring of the last bytes, so memory
 * stays fixed however much is written. Rendering decodes UTF-8 (malformed input becomes U+FFFD),
 * keeps the beginning and the end, cuts on line boundaries where one is near and on character
 * boundaries always, and puts a marker in the middle that says how many bytes and lines were left
 * out and where the full output can be read.
 *
 * <p>Not thread-safe: one writer at a time (callers serialise chunks of one stream).
 */
final class HeadTailBuffer {

  /** Share of the text budget given to the beginning; the end gets the rest. */
  private static final double HEAD_SHARE = 0.4;

  /** A cut moves to a line boundary when one lies within this share of the kept part. */
  private static final double LINE_SNAP_SHARE = 0.25;

  private final OutputBudget budget;
  private final byte[] head;
  private int headLength;
  private final byte[] ring;
  private int ringEnd;
  private boolean ringWrapped;
  private long totalBytes;
  private long totalNewlines;
  private long totalChars;
  private boolean linesExact = true;

  HeadTailBuffer(OutputBudget budget) {
    this.budget = budget;
    // UTF-8 needs at most 4 bytes per character, so 4 * budget bytes always hold a full budget.
    long capacity = 4L * budget.maxChars();
    this.head = new byte[(int) Math.min(capacity, Integer.MAX_VALUE - 8)];
    this.ring = new byte[(int) Math.min(capacity * (1 - HEAD_SHARE) + 16, Integer.MAX_VALUE - 8)];
  }

  void write(byte[] bytes, int offset, int length) {
    if (length <= 0) {
      return;
    }
    long newlines = 0;
    long chars = 0;
    for (int i = offset; i < offset + length; i++) {
      byte b = bytes[i];
      if (b == '\n') {
        newlines++;
      }
      // a character starts at every byte that is not a continuation byte; 4-byte sequences
      // become two UTF-16 chars
      if ((b & 0xC0) != 0x80) {
        chars += (b & 0xF8) == 0xF0 ? 2 : 1;
      }
    }
    totalNewlines += newlines;
    totalChars += chars;
    totalBytes += length;
    int toHead = Math.min(length, head.length - headLength);
    if (toHead > 0) {
      System.arraycopy(bytes, offset, head, headLength, toHead);
      headLength += toHead;
    }
    writeRing(bytes, offset, length);
  }

  void write(byte[] bytes) {
    write(bytes, 0, bytes.length);
  }

  private void writeRing(byte[] bytes, int offset, int length) {
    if (length >= ring.length) {
      System.arraycopy(bytes, offset + length - ring.length, ring, 0, ring.length);
      ringEnd = 0;
      ringWrapped = true;
      return;
    }
    int first = Math.min(length, ring.length - ringEnd);
    System.arraycopy(bytes, offset, ring, ringEnd, first);
    if (first < length) {
      System.arraycopy(bytes, offset + first, ring, 0, length - first);
      ringWrapped = true;
    }
    int end = ringEnd + length;
    if (end >= ring.length) {
      ringWrapped = true;
    }
    ringEnd = end % ring.length;
  }

  long totalBytes() {
    return totalBytes;
  }

  /**
   * Counts {@code count} bytes that are left out without being seen (the middle of a huge file):
   * they are omitted in any rendering, and line counts are no longer exact.
   */
  void skip(long count) {
    if (count > 0) {
      totalBytes += count;
      totalChars += count;
      linesExact = false;
      // the ring's content is no longer adjacent to what follows
      ringEnd = 0;
      ringWrapped = false;
    }
  }

  /** UTF-16 chars the bytes decode to (malformed input counted per byte). */
  long totalChars() {
    return totalChars;
  }

  /**
   * Whether everything written so far is still held from the start ({@link #writeHeadTo} can replay
   * it).
   */
  boolean holdsEverything() {
    return totalBytes == headLength;
  }

  /**
   * Writes the bytes held from the start of the stream (all of it while {@link #holdsEverything}).
   */
  void writeHeadTo(ByteSink sink) {
    sink.write(head, 0, headLength);
  }

  /** Receives bytes. */
  @FunctionalInterface
  interface ByteSink {
    void write(byte[] bytes, int offset, int length);
  }

  /**
   * Says where the omitted part can be read, completing the marker after "omitted here; ". Null
   * when it cannot be read anywhere.
   */
  @FunctionalInterface
  interface Hint {
    /**
     * @param firstOmittedLine the 1-based number of the first line (partly) left out
     * @param omittedLines how many lines were left out
     */
    String describe(long firstOmittedLine, long omittedLines);

    /** The full output is in {@code path}. */
    static Hint fullOutputIn(String path) {
      return path == null
          ? null
          : (first, lines) -> "full output in " + path + " (page through it with read_file)";
    }
  }

  long totalLines() {
    return totalNewlines + (endsWithNewline() || totalBytes == 0 ? 0 : 1);
  }

  private boolean endsWithNewline() {
    if (totalBytes == 0) {
      return false;
    }
    int last = ringEnd == 0 ? ring.length - 1 : ringEnd - 1;
    return ring[last] == '\n';
  }

  /** True when the bytes written could not be shown whole within the budget. */
  boolean exceedsBudget() {
    return totalChars > budget.maxChars() || totalBytes > 3L * budget.maxChars();
  }

  /**
   * Renders the collected output.
   *
   * @param streamName what the output is ("stdout", "stderr", "file"), used in the marker
   * @param fullOutputPath where the complete output can be read, or null when nowhere
   */
  Rendered render(String streamName, String fullOutputPath) {
    return render(streamName, Hint.fullOutputIn(fullOutputPath));
  }

  /**
   * Renders the collected output.
   *
   * @param streamName what the output is ("stdout", "stderr", "file"), used in the marker
   * @param hint where the omitted part can be read, or null
   */
  Rendered render(String streamName, Hint hint) {
    if (totalBytes == headLength) {
      String all = decode(head, 0, headLength, true);
      if (all.length() <= budget.maxChars()) {
        return new Rendered(all, false, totalBytes, 0, 0);
      }
      return renderCut(all, all, totalBytes, streamName, hint);
    }
    String start = decode(head, 0, headLength, false);
    String end = decodeRing();
    return renderCut(start, end, totalBytes, streamName, hint);
  }

  /**
   * Cuts {@code start} (the text from the beginning of the output) and {@code end} (the text at the
   * end of the output; the same string when everything is in memory) to fit the budget.
   */
  private Rendered renderCut(String start, String end, long total, String streamName, Hint hint) {
    String sample = hint == null ? "" : hint.describe(1_000_000, 1_000_000);
    int reserve = Math.min(budget.maxChars() / 3, 160 + sample.length());
    int textChars = budget.maxChars() - reserve;
    int headChars = (int) (textChars * HEAD_SHARE);
    int tailChars = textChars - headChars;
    String keptHead = snapHeadToLine(start.substring(0, Math.min(headChars, start.length())));
    String keptTail = snapTailToLine(end.substring(Math.max(0, end.length() - tailChars)));
    for (int attempt = 0; ; attempt++) {
      long keptBytes = utf8Length(keptHead) + utf8Length(keptTail);
      long omittedBytes = Math.max(0, total - keptBytes);
      long omittedLines =
          Math.max(0, totalNewlines - count(keptHead, '\n') - count(keptTail, '\n'));
      long headLines = count(keptHead, '\n');
      String where = hint == null ? null : hint.describe(headLines + 1, omittedLines);
      String marker =
          (keptHead.isEmpty() || keptHead.endsWith("\n") ? "" : "\n")
              + marker(streamName, omittedBytes, linesExact ? omittedLines : -1, where);
      int excess = keptHead.length() + marker.length() + keptTail.length() - budget.maxChars();
      if (excess <= 0 || attempt == 3) {
        String text = keptHead + marker + keptTail;
        if (text.length() > budget.maxChars()) {
          text = text.substring(0, budget.maxChars());
        }
        return new Rendered(text, true, total, omittedBytes, omittedLines);
      }
      keptTail = keptTail.substring(Math.min(keptTail.length(), excess));
    }
  }

  private static String marker(String stream, long bytes, long lines, String where) {
    StringBuilder sb = new StringBuilder("[... ");
    if (lines >= 0) {
      sb.append(
          String.format(
              Locale.ROOT, "%,d bytes (%,d lines) of %s omitted here", bytes, lines, stream));
    } else {
      sb.append(String.format(Locale.ROOT, "%,d bytes of %s omitted here", bytes, stream));
    }
    if (where != null) {
      sb.append("; ").append(where);
    }
    return sb.append(" ...]\n").toString();
  }

  private static String snapHeadToLine(String text) {
    int newline = text.lastIndexOf('\n');
    if (newline >= 0 && newline >= text.length() * (1 - LINE_SNAP_SHARE)) {
      return text.substring(0, newline + 1);
    }
    return dropTrailingHighSurrogate(text);
  }

  private static String snapTailToLine(String text) {
    int newline = text.indexOf('\n');
    if (newline >= 0 && newline < text.length() * LINE_SNAP_SHARE) {
      return text.substring(newline + 1);
    }
    if (!text.isEmpty() && Character.isLowSurrogate(text.charAt(0))) {
      return text.substring(1);
    }
    return text;
  }

  private static String dropTrailingHighSurrogate(String text) {
    if (!text.isEmpty() && Character.isHighSurrogate(text.charAt(text.length() - 1))) {
      return text.substring(0, text.length() - 1);
    }
    return text;
  }

  private String decodeRing() {
    byte[] ordered;
    if (!ringWrapped) {
      ordered = java.util.Arrays.copyOf(ring, ringEnd);
    } else {
      ordered = new byte[ring.length];
      System.arraycopy(ring, ringEnd, ordered, 0, ring.length - ringEnd);
      System.arraycopy(ring, 0, ordered, ring.length - ringEnd, ringEnd);
    }
    int start = 0;
    // The ring may begin inside a multi-byte sequence: skip its continuation bytes.
    while (start < ordered.length && start < 3 && (ordered[start] & 0xC0) == 0x80) {
      start++;
    }
    return decode(ordered, start, ordered.length - start, true);
  }

  /**
   * Decodes UTF-8. With {@code complete} false, a sequence cut off by the end of the buffer is left
   * out rather than shown as U+FFFD (the rest of it lies in the omitted middle).
   */
  private static String decode(byte[] bytes, int offset, int length, boolean complete) {
    CharsetDecoder decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPLACE)
            .onUnmappableCharacter(CodingErrorAction.REPLACE);
    ByteBuffer in = ByteBuffer.wrap(bytes, offset, length);
    CharBuffer out = CharBuffer.allocate(length + 1);
    decoder.decode(in, out, complete);
    if (complete) {
      decoder.flush(out);
    }
    return out.flip().toString();
  }

  /** Bytes {@code text} takes in UTF-8. */
  static long utf8Length(String text) {
    long bytes = 0;
    for (int i = 0; i < text.length(); i++) {
      char c = text.charAt(i);
      if (c < 0x80) {
        bytes += 1;
      } else if (c < 0x800) {
        bytes += 2;
      } else if (Character.isHighSurrogate(c)) {
        bytes += 4;
        i++;
      } else {
        bytes += 3;
      }
    }
    return bytes;
  }

  private static long count(String text, char c) {
    long n = 0;
    for (int i = 0; i < text.length(); i++) {
      if (text.charAt(i) == c) {
        n++;
      }
    }
    return n;
  }

  /**
   * Text to show the model.
   *
   * @param text the output, whole or cut, with the marker when cut
   * @param truncated whether anything was left out
   * @param totalBytes bytes written in all
   * @param omittedBytes bytes left out of {@code text}
   * @param omittedLines newline-terminated lines left out (approximate at the cut lines)
   */
  record Rendered(
      String text, boolean truncated, long totalBytes, long omittedBytes, long omittedLines) {}
}
