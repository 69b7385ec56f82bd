package cloud.tenki.sandbox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HeadTailBufferTest {

  private static final OutputBudget BUDGET = OutputBudget.ofChars(1_000);

  private static HeadTailBuffer fill(OutputBudget budget, String text) {
    HeadTailBuffer buffer = new HeadTailBuffer(budget);
    buffer.write(text.getBytes(StandardCharsets.UTF_8));
    return buffer;
  }

  private static String lines(int from, int to) {
    StringBuilder sb = new StringBuilder();
    for (int i = from; i < to; i++) {
      sb.append("line ").append(i).append('\n');
    }
    return sb.toString();
  }

  @Test
  void outputWithinBudgetIsReturnedWhole() {
    String text = "hello\nworld\n";
    HeadTailBuffer.Rendered r = fill(BUDGET, text).render("stdout", "/home/tenki/x");
    assertThat(r.text()).isEqualTo(text);
    assertThat(r.truncated()).isFalse();
    assertThat(r.omittedBytes()).isZero();
  }

  @Test
  void emptyOutputRendersEmpty() {
    HeadTailBuffer buffer = new HeadTailBuffer(BUDGET);
    assertThat(buffer.render("stdout", (String) null).text()).isEmpty();
    assertThat(buffer.totalLines()).isZero();
    assertThat(buffer.exceedsBudget()).isFalse();
  }

  @Test
  void longOutputKeepsBeginningAndEndWithAMarkerCountingTheMiddle() {
    String text = lines(0, 10_000);
    HeadTailBuffer buffer = fill(BUDGET, text);
    HeadTailBuffer.Rendered r = buffer.render("stdout", "/home/tenki/.tenki/output/1.stdout");

    assertThat(r.truncated()).isTrue();
    assertThat(r.text().length()).isLessThanOrEqualTo(BUDGET.maxChars());
    assertThat(r.text()).startsWith("line 0\nline 1\n").endsWith("line 9999\n");
    assertThat(r.text())
        .contains("of stdout omitted here")
        .contains("full output in /home/tenki/.tenki/output/1.stdout");
    // cut on line boundaries: every kept line is complete
    String[] parts = r.text().split("\\[\\.\\.\\. |\\.\\.\\.]\n");
    assertThat(parts).hasSize(3);
    assertThat(parts[0].split("\n")).allMatch(l -> l.matches("line \\d+"));
    assertThat(parts[2].split("\n")).allMatch(l -> l.matches("line \\d+"));
    // the counts add up: kept bytes + omitted bytes = total
    long keptBytes =
        parts[0].getBytes(StandardCharsets.UTF_8).length
            + parts[2].getBytes(StandardCharsets.UTF_8).length;
    assertThat(keptBytes + r.omittedBytes()).isEqualTo(text.length());
    assertThat(r.text())
        .contains(String.format(java.util.Locale.ROOT, "%,d bytes", r.omittedBytes()));
    long keptLines = parts[0].split("\n").length + parts[2].split("\n").length;
    assertThat(keptLines + r.omittedLines()).isEqualTo(10_000);
    assertThat(buffer.totalLines()).isEqualTo(10_000);
  }

  @Test
  void endGetsTheLargerShare() {
    HeadTailBuffer.Rendered r = fill(BUDGET, lines(0, 10_000)).render("stdout", (String) null);
    int marker = r.text().indexOf("[... ");
    int afterMarker = r.text().indexOf(" ...]\n") + " ...]\n".length();
    assertThat(r.text().length() - afterMarker).isGreaterThan(marker);
  }

  @Test
  void cutsNeverSplitAMultiByteCharacter() {
    // 3-byte and 4-byte characters, no newlines so cuts cannot snap to lines
    String unit = "€😀";
    String text = unit.repeat(5_000);
    HeadTailBuffer.Rendered r = fill(BUDGET, text).render("stdout", (String) null);
    assertThat(r.truncated()).isTrue();
    assertThat(r.text()).doesNotContain("\uFFFD");
    String head = r.text().substring(0, r.text().indexOf("\n[... "));
    String tail = r.text().substring(r.text().indexOf(" ...]\n") + 6);
    assertThat(head.codePoints().allMatch(cp -> cp == '€' || cp == 0x1F600)).isTrue();
    assertThat(tail.codePoints().allMatch(cp -> cp == '€' || cp == 0x1F600)).isTrue();
    assertThat(r.text().length()).isLessThanOrEqualTo(BUDGET.maxChars());
  }

  @Test
  void chunkBoundariesDoNotMatter() {
    String text = lines(0, 5_000) + "ünïcödé end\n";
    byte[] bytes = text.getBytes(StandardCharsets.UTF_8);
    HeadTailBuffer whole = fill(BUDGET, text);
    HeadTailBuffer chunked = new HeadTailBuffer(BUDGET);
    Random random = new Random(7);
    for (int i = 0; i < bytes.length; ) {
      int n = Math.min(bytes.length - i, 1 + random.nextInt(700));
      chunked.write(bytes, i, n);
      i += n;
    }
    assertThat(chunked.render("stdout", (String) null))
        .isEqualTo(whole.render("stdout", (String) null));
  }

  @Test
  void memoryStaysBoundedWhateverIsWritten() {
    HeadTailBuffer buffer = new HeadTailBuffer(OutputBudget.ofChars(16_384));
    byte[] chunk = "0123456789abcdef".repeat(4096).getBytes(StandardCharsets.US_ASCII);
    long written = 0;
    for (int i = 0; i < 2_000; i++) { // 128 MiB in total
      buffer.write(chunk);
      written += chunk.length;
    }
    chunk[chunk.length - 1] = '\n';
    buffer.write("THE END".getBytes(StandardCharsets.US_ASCII));
    HeadTailBuffer.Rendered r = buffer.render("stdout", (String) null);
    assertThat(r.totalBytes()).isEqualTo(written + 7);
    assertThat(r.text()).startsWith("0123456789abcdef").endsWith("THE END");
    assertThat(r.text().length()).isLessThanOrEqualTo(16_384);
    // the retained state is a fixed-size head and ring, independent of the bytes written
    assertThat(retainedBytes(buffer)).isLessThan(16_384 * 4 * 2);
  }

  private static long retainedBytes(HeadTailBuffer buffer) {
    try {
      long sum = 0;
      for (String name : new String[] {"head", "ring"}) {
        var field = HeadTailBuffer.class.getDeclaredField(name);
        field.setAccessible(true);
        sum += ((byte[]) field.get(buffer)).length;
      }
      return sum;
    } catch (ReflectiveOperationException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void malformedUtf8IsReplacedNotDropped() {
    HeadTailBuffer buffer = new HeadTailBuffer(BUDGET);
    buffer.write(new byte[] {'a', (byte) 0xFF, 'b'});
    assertThat(buffer.render("stdout", (String) null).text()).isEqualTo("a\uFFFDb");
  }

  @Test
  void multiByteTextUnderTheCharacterBudgetIsNotTruncated() {
    // 900 characters but 2,700 bytes: within a 1,000 character budget
    String text = "€".repeat(900);
    HeadTailBuffer buffer = fill(BUDGET, text);
    assertThat(buffer.exceedsBudget()).isFalse();
    assertThat(buffer.render("stdout", (String) null).text()).isEqualTo(text);
  }

  @Test
  void tokenBudgetsConvertToCharacters() {
    assertThat(OutputBudget.ofTokens(1_000).maxChars()).isEqualTo(4_000);
  }

  @Test
  void skippedMiddlesAreCountedInBytesButNotInLines() {
    HeadTailBuffer buffer = new HeadTailBuffer(BUDGET);
    buffer.write(lines(0, 2_000).getBytes(StandardCharsets.UTF_8));
    buffer.skip(1_000_000);
    buffer.write(lines(9_000, 9_500).getBytes(StandardCharsets.UTF_8));
    HeadTailBuffer.Rendered r = buffer.render("file", (HeadTailBuffer.Hint) null);
    assertThat(r.truncated()).isTrue();
    assertThat(r.text()).startsWith("line 0\n").endsWith("line 9499\n");
    assertThat(r.text())
        .containsPattern("\\[\\.\\.\\. [0-9,]+ bytes of file omitted here \\.\\.\\.]");
    assertThat(r.text()).doesNotContain("lines)");
  }

  @Test
  void hintsSayWhereTheOmittedLinesCanBeRead() {
    HeadTailBuffer buffer = fill(BUDGET, lines(1, 10_001));
    HeadTailBuffer.Rendered r =
        buffer.render("file", (first, omitted) -> "lines " + first + "+" + omitted);
    String kept = r.text().substring(0, r.text().indexOf("[... "));
    long keptLines = kept.chars().filter(c -> c == '\n').count();
    assertThat(r.text())
        .contains("omitted here; lines " + (keptLines + 1) + "+" + r.omittedLines());
  }

  @Test
  void budgetsCountCharactersNotBytesButBoundBytesToo() {
    HeadTailBuffer text = fill(BUDGET, "😀".repeat(400)); // 800 chars, 1,600 bytes
    assertThat(text.totalChars()).isEqualTo(800);
    assertThat(text.exceedsBudget()).isFalse();
    HeadTailBuffer garbage = new HeadTailBuffer(BUDGET);
    garbage.write(new byte[3_001]); // NULs: one char each
    assertThat(garbage.exceedsBudget()).isTrue();
    HeadTailBuffer continuation = new HeadTailBuffer(BUDGET);
    byte[] bad = new byte[3_001];
    java.util.Arrays.fill(bad, (byte) 0x80); // no character starts, yet they render as U+FFFD
    continuation.write(bad);
    assertThat(continuation.exceedsBudget()).isTrue();
  }
}
