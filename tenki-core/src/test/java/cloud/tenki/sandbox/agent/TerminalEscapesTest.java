package cloud.tenki.sandbox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class TerminalEscapesTest {

  @Test
  void coloursAndCursorMovesGoTextStays() {
    assertThat(TerminalEscapes.strip("\u001b[31mred\u001b[0m normal\n")).isEqualTo("red normal\n");
    assertThat(TerminalEscapes.strip("\u001b[0m\u001b[01;34mdev\u001b[0m\n")).isEqualTo("dev\n");
    assertThat(TerminalEscapes.strip("\u001b[2K\u001b[1G50%\u001b[?25l")).isEqualTo("50%");
    assertThat(TerminalEscapes.strip("\u001b[38;2;255;0;0mtrue colour\u001b[m"))
        .isEqualTo("true colour");
  }

  @Test
  void titlesCharsetsAndTwoByteEscapesGo() {
    assertThat(TerminalEscapes.strip("\u001b]0;my title\u0007after")).isEqualTo("after");
    assertThat(TerminalEscapes.strip("\u001b]8;;http://x\u001b\\link\u001b]8;;\u001b\\"))
        .isEqualTo("link");
    assertThat(TerminalEscapes.strip("\u001b(Bplain\u001b=\u001b>")).isEqualTo("plain");
  }

  @Test
  void textWithoutEscapesIsReturnedAsIs() {
    String text = "héllo\tworld [31m not an escape\r\n";
    assertThat(TerminalEscapes.strip(text)).isSameAs(text);
    // a lone escape at the end, with nothing that makes it a sequence, stays
    assertThat(TerminalEscapes.strip("end\u001b")).isEqualTo("end\u001b");
  }
}
