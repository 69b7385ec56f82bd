package cloud.tenki.sandbox.agent;

import java.util.ArrayList;
import java.util.List;

/**
 * Finds text that differs from a search string only in spaces and tabs: indentation, trailing
 * blanks, and the width of runs between words. It tells a model whose exact {@code old_text} was
 * not found where the text it meant is, and what that text is byte for byte, so that the next edit
 * can copy it instead of guessing again.
 */
final class LooseMatch {

  /** Where a match lies in the original text: {@code [start, end)}, 1-based lines. */
  record Span(int start, int end, int firstLine, int lastLine) {}

  private LooseMatch() {}

  /**
   * The places where {@code needle} occurs in {@code text} once runs of spaces and tabs are ignored
   * at the start and end of lines and counted as one space elsewhere; the first {@code limit} of
   * them. Empty when the needle has nothing but blanks.
   */
  static List<Span> find(String text, String needle, int limit) {
    Normalized n = Normalized.of(needle);
    List<Span> spans = new ArrayList<>();
    if (n.text.isBlank()) {
      return spans;
    }
    Normalized t = Normalized.of(text);
    for (int i = t.text.indexOf(n.text);
        i >= 0 && spans.size() < limit;
        i = t.text.indexOf(n.text, i + n.text.length())) {
      int start = t.from[i];
      int end = t.to[i + n.text.length() - 1];
      spans.add(new Span(start, end, lineOf(text, start), lineOf(text, Math.max(start, end - 1))));
    }
    return spans;
  }

  private static int lineOf(String text, int offset) {
    int line = 1;
    for (int i = 0; i < offset; i++) {
      if (text.charAt(i) == '\n') {
        line++;
      }
    }
    return line;
  }

  private static boolean blank(char c) {
    return c == ' ' || c == '\t';
  }

  /**
   * A text with blanks dropped at line starts and ends and other runs of blanks made one space; for
   * each of its characters, the range of the original text it stands for.
   */
  private static final class Normalized {
    final String text;
    final int[] from;
    final int[] to;

    private Normalized(String text, int[] from, int[] to) {
      this.text = text;
      this.from = from;
      this.to = to;
    }

    static Normalized of(String s) {
      StringBuilder out = new StringBuilder(s.length());
      int[] from = new int[s.length()];
      int[] to = new int[s.length()];
      int i = 0;
      boolean lineStart = true;
      while (i < s.length()) {
        char c = s.charAt(i);
        if (blank(c)) {
          int j = i;
          while (j < s.length() && blank(s.charAt(j))) {
            j++;
          }
          boolean lineEnd = j == s.length() || s.charAt(j) == '\n' || s.charAt(j) == '\r';
          if (!lineStart && !lineEnd) {
            from[out.length()] = i;
            to[out.length()] = j;
            out.append(' ');
          }
          i = j;
          continue;
        }
        if (c == '\r' && i + 1 < s.length() && s.charAt(i + 1) == '\n') {
          // a CRLF line break counts as LF
          from[out.length()] = i;
          to[out.length()] = i + 2;
          out.append('\n');
          i += 2;
          lineStart = true;
          continue;
        }
        from[out.length()] = i;
        to[out.length()] = i + 1;
        out.append(c);
        lineStart = c == '\n';
        i++;
      }
      return new Normalized(out.toString(), from, to);
    }
  }
}
