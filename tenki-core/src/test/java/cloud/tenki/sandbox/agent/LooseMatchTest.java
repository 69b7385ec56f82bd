package cloud.tenki.sandbox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class LooseMatchTest {

  private static String quoted(String text, LooseMatch.Span s) {
    return text.substring(s.start(), s.end());
  }

  @Test
  void indentationAndRunWidthsAreIgnored() {
    String text = "x = 0\ndef f():\n    return  1\n";
    List<LooseMatch.Span> found = LooseMatch.find(text, "def f():\n  return 1", 10);
    assertThat(found).hasSize(1);
    assertThat(quoted(text, found.get(0))).isEqualTo("def f():\n    return  1");
    assertThat(found.get(0).firstLine()).isEqualTo(2);
    assertThat(found.get(0).lastLine()).isEqualTo(3);
  }

  @Test
  void trailingBlanksTabsAndCrlfAreIgnored() {
    String text = "a = 1   \nb = 2\n";
    assertThat(quoted(text, LooseMatch.find(text, "a = 1\nb = 2", 10).get(0)))
        .isEqualTo("a = 1   \nb = 2");
    String tabs = "\tif x:\n\t\ty()\n";
    assertThat(quoted(tabs, LooseMatch.find(tabs, "    if x:\n        y()", 10).get(0)))
        .isEqualTo("if x:\n\t\ty()");
    String crlf = "a\r\n  b\r\n";
    assertThat(quoted(crlf, LooseMatch.find(crlf, "a\nb", 10).get(0))).isEqualTo("a\r\n  b");
  }

  @Test
  void differentWordsOrJoinedWordsDoNotMatch() {
    assertThat(LooseMatch.find("return 1\n", "return 2", 10)).isEmpty();
    assertThat(LooseMatch.find("ab\n", "a b", 10)).isEmpty();
    assertThat(LooseMatch.find("a b\n", " \t ", 10)).isEmpty();
  }

  @Test
  void everyPlaceIsFoundUpToTheLimit() {
    String text = "x  = 1\ny = 2\n  x =\t1\nx = 1\n";
    List<LooseMatch.Span> found = LooseMatch.find(text, "x = 1", 10);
    assertThat(found).extracting(LooseMatch.Span::firstLine).containsExactly(1, 3, 4);
    assertThat(LooseMatch.find(text, "x = 1", 2)).hasSize(2);
  }
}
