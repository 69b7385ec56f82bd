package cloud.tenki.sandbox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class CarriageReturnsTest {

  @Test
  void aRedrawnLineShowsOnlyItsLastState() {
    String bar = "\r  0%|          | 0/10\r 50%|#####     | 5/10\r100%|##########| 10/10";
    assertThat(CarriageReturns.collapse("training\n" + bar + "\ndone\n"))
        .isEqualTo("training\n100%|##########| 10/10\ndone\n");
  }

  @Test
  void aLineEndingInACarriageReturnKeepsTheStateBeforeIt() {
    // curl's meter and many bars end each redraw with \r, so the newest state comes before it
    assertThat(CarriageReturns.collapse("10%\r20%\r")).isEqualTo("20%");
    assertThat(CarriageReturns.collapse("a\r\r\nb")).isEqualTo("a\r\nb");
    assertThat(CarriageReturns.collapse("\r\r\r")).isEmpty();
  }

  @Test
  void windowsLineEndsAndTextWithoutCarriageReturnsStayAsTheyAre() {
    String crlf = "one\r\ntwo\r\n";
    assertThat(CarriageReturns.collapse(crlf)).isSameAs(crlf);
    String plain = "no returns\nhere\n";
    assertThat(CarriageReturns.collapse(plain)).isSameAs(plain);
    // a redrawn line among CRLF lines: only it changes
    assertThat(CarriageReturns.collapse("a\r\n1%\r9%\r\nb")).isEqualTo("a\r\n9%\r\nb");
  }
}
