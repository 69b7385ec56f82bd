package cloud.tenki.sandbox.agent;

import java.util.regex.Pattern;

/**
 * Removes terminal control sequences (colours, cursor moves, window titles) from command output
 * shown to a model. Programs that colour their output even into a pipe ({@code ls --color=always},
 * {@code pytest --color=yes}, many build tools under {@code FORCE_COLOR}) fill it with sequences
 * such as {@code ESC[31m} that a terminal turns into nothing visible but that cost a model tokens
 * and make text harder to read. Only the sequences go; every other character stays. Stateless.
 */
final class TerminalEscapes {

  /**
   * CSI ({@code ESC [} parameters, intermediates, final byte), OSC ({@code ESC ]} up to BEL or
   * {@code ESC \}), character set choices ({@code ESC ( B}) and the other two-byte escapes.
   */
  private static final Pattern SEQUENCE =
      Pattern.compile(
          "\u001B(?:\\[[0-?]*[ -/]*[@-~]"
              + "|\\][^\u0007\u001B]*(?:\u0007|\u001B\\\\)"
              + "|[()*+][0-9A-Za-z]"
              + "|[@-Z\\\\^_=>78])");

  private TerminalEscapes() {}

  /** {@code text} without its terminal control sequences ({@code text} itself when it has none). */
  static String strip(String text) {
    if (text.indexOf('\u001B') < 0) {
      return text;
    }
    return SEQUENCE.matcher(text).replaceAll("");
  }
}
