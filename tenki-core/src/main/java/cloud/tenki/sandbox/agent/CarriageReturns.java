package cloud.tenki.sandbox.agent;

/**
 * Shows lines that a program rewrote with carriage returns the way a terminal ends up showing them.
 * Progress bars ({@code tqdm}, {@code curl}'s meter, many download and build tools) redraw one line
 * with {@code \r} many times a second, also into a pipe; a model would get every state of the bar,
 * thousands of tokens that say only "it progressed". Of each line, only the text after its last
 * carriage return stays (the last non-empty part when it ends with one); a {@code \r} right before
 * the line break ({@code \r\n}, Windows line ends) is kept as it is. The spill file keeps the bytes
 * as written. Stateless.
 */
final class CarriageReturns {

  private CarriageReturns() {}

  /** {@code text} with rewritten lines reduced to their last state ({@code text} when none). */
  static String collapse(String text) {
    int first = text.indexOf('\r');
    if (first < 0 || !rewrites(text, first)) {
      return text;
    }
    StringBuilder out = new StringBuilder(text.length());
    for (int start = 0; start < text.length(); ) {
      int newline = text.indexOf('\n', start);
      int end = newline < 0 ? text.length() : newline;
      // keep the \r of a \r\n
      int body = newline > start && text.charAt(newline - 1) == '\r' ? newline - 1 : end;
      out.append(lastState(text, start, body)).append(text, body, end);
      if (newline < 0) {
        break;
      }
      out.append('\n');
      start = newline + 1;
    }
    return out.toString();
  }

  /** Whether some carriage return from {@code from} on is not part of a {@code \r\n}. */
  private static boolean rewrites(String text, int from) {
    for (int i = text.indexOf('\r', from); i >= 0; i = text.indexOf('\r', i + 1)) {
      if (i + 1 >= text.length() || text.charAt(i + 1) != '\n') {
        return true;
      }
    }
    return false;
  }

  /** The text after the last carriage return in [start, end) that has text after it. */
  private static CharSequence lastState(String text, int start, int end) {
    int stateEnd = end;
    while (stateEnd > start) {
      int cr = text.lastIndexOf('\r', stateEnd - 1);
      if (cr < start) {
        return text.subSequence(start, stateEnd);
      }
      if (cr + 1 < stateEnd) {
        return text.subSequence(cr + 1, stateEnd);
      }
      stateEnd = cr; // a carriage return with nothing after it: the state before counts
    }
    return "";
  }
}
