package cloud.tenki.sandbox.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * Keeps binary data out of command output shown to a model. Output is decoded as UTF-8, so bytes
 * that are not text (an image or archive written to stdout, {@code head -c N /dev/urandom}) come
 * out as replacement characters and control codes: thousands of tokens that say nothing. Lines that
 * are mostly such characters are replaced, each run of them by one marker that says about how many
 * bytes it held; text lines around them stay. Text in a legacy encoding (a few undecodable bytes in
 * a line of words) and terminal escapes (colour codes) do not make a line binary; the escapes are
 * removed before, by {@link TerminalEscapes}. Stateless.
 */
final class BinaryRuns {

  /** A run of binary lines is collapsed once it holds this many bad characters. */
  private static final int MIN_BAD = 4;

  /** A line is binary when at least this share of it is bad characters. */
  private static final double MIN_BAD_SHARE = 0.25;

  /** Lines up to this long without a bad character join a binary run they lie inside. */
  private static final int SHORT = 8;

  private BinaryRuns() {}

  /** {@code text} with its binary lines collapsed, or {@code text} itself when it has none. */
  static String collapse(String text) {
    if (!hasBadCharacters(text)) {
      return text;
    }
    List<int[]> lines = new ArrayList<>(); // start, end, bad characters (-1: text)
    for (int start = 0; start < text.length(); ) {
      int newline = text.indexOf('\n', start);
      int end = newline < 0 ? text.length() : newline + 1;
      lines.add(new int[] {start, end, badIn(text, start, end)});
      start = end;
    }
    StringBuilder out = new StringBuilder(text.length());
    boolean any = false;
    int i = 0;
    while (i < lines.size()) {
      int last = runEnd(lines, i);
      int bad = 0;
      for (int k = i; k <= last; k++) {
        bad += Math.max(0, lines.get(k)[2]);
      }
      if (last >= i && bad >= MIN_BAD) {
        marker(out, approximateBytes(text, lines.get(i)[0], lines.get(last)[1]));
        any = true;
        i = last + 1;
      } else {
        out.append(text, lines.get(i)[0], lines.get(i)[1]);
        i++;
      }
    }
    return any ? out.toString() : text;
  }

  /**
   * The last line of the binary run starting at line {@code i} (binary lines, with short plain
   * lines between them), or {@code i - 1} when line {@code i} is not binary.
   */
  private static int runEnd(List<int[]> lines, int i) {
    int last = i - 1;
    for (int k = i; k < lines.size(); k++) {
      int[] line = lines.get(k);
      if (line[2] > 0) {
        last = k;
      } else if (last < i || line[1] - line[0] > SHORT) {
        break;
      }
    }
    return last;
  }

  /** Bad characters in a binary line; 0 for a line of text (legacy-encoded text included). */
  private static int badIn(String text, int start, int end) {
    int bad = 0;
    for (int i = start; i < end; i++) {
      if (bad(text.charAt(i))) {
        bad++;
      }
    }
    return bad >= (end - start) * MIN_BAD_SHARE ? bad : 0;
  }

  private static void marker(StringBuilder out, long bytes) {
    if (bytes > 0) {
      out.append("[binary data, about ")
          .append(Messages.size(bytes))
          .append(", not shown: pipe it through xxd or base64, or save it to a file and read it")
          .append(" with read_file (encoding base64)]\n");
    }
  }

  private static boolean hasBadCharacters(String text) {
    for (int i = 0; i < text.length(); i++) {
      if (bad(text.charAt(i))) {
        return true;
      }
    }
    return false;
  }

  /** An undecodable byte, or a control code that text does not use. */
  private static boolean bad(char c) {
    if (c == '\uFFFD' || c == 0x7F) {
      return true;
    }
    return c < 0x20 && c != '\n' && c != '\r' && c != '\t' && c != '\b' && c != '\f' && c != 0x1B;
  }

  /** UTF-8 bytes of the range, counting each replacement character as the one byte it stood for. */
  private static long approximateBytes(String text, int start, int end) {
    String run = text.substring(start, end);
    // UTF-8 counts a replacement character as 3 bytes; here it stood for one
    return HeadTailBuffer.utf8Length(run) - 2L * run.chars().filter(c -> c == '\uFFFD').count();
  }
}
