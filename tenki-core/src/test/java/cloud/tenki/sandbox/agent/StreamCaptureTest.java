package cloud.tenki.sandbox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class StreamCaptureTest {

  @Test
  void listenersGetWholeCharactersWhateverTheChunking() {
    List<String> got = new ArrayList<>();
    StreamCapture c =
        new StreamCapture("stdout", OutputBudget.DEFAULT, null, (s, t) -> got.add(s + ":" + t));
    byte[] all = "a€b😀\n".getBytes(StandardCharsets.UTF_8);
    for (byte b : all) {
      c.accept(new byte[] {b});
    }
    c.finish();
    assertThat(String.join("", got)).isEqualTo("stdout:astdout:€stdout:bstdout:😀stdout:\n");
    assertThat(got).noneMatch(t -> t.contains("\uFFFD"));
    assertThat(c.render().text()).isEqualTo("a€b😀\n");
  }

  @Test
  void aTruncatedSequenceAtTheEndIsReportedOnFinish() {
    List<String> got = new ArrayList<>();
    StreamCapture c = new StreamCapture("stderr", OutputBudget.DEFAULT, null, (s, t) -> got.add(t));
    c.accept(new byte[] {'x', (byte) 0xE2, (byte) 0x82});
    assertThat(got).containsExactly("x");
    c.finish();
    assertThat(got).containsExactly("x", "\uFFFD");
  }

  @Test
  void aFailingListenerIsDroppedWithoutHurtingTheCapture() {
    int[] calls = {0};
    StreamCapture c =
        new StreamCapture(
            "stdout",
            OutputBudget.DEFAULT,
            null,
            (s, t) -> {
              calls[0]++;
              throw new IllegalStateException("listener bug");
            });
    c.accept("one\n".getBytes(StandardCharsets.UTF_8));
    c.accept("two\n".getBytes(StandardCharsets.UTF_8));
    c.finish();
    assertThat(calls[0]).isEqualTo(1);
    assertThat(c.render().text()).isEqualTo("one\ntwo\n");
  }

  @Test
  void listenersGetOutputWithoutColourCodes() {
    List<String> got = new ArrayList<>();
    StreamCapture c = new StreamCapture("stdout", OutputBudget.DEFAULT, null, (s, t) -> got.add(t));
    c.accept("\u001b[32mPASSED\u001b[0m test_a\n".getBytes(StandardCharsets.UTF_8));
    c.accept("\u001b[0m".getBytes(StandardCharsets.UTF_8));
    c.finish();
    assertThat(got).containsExactly("PASSED test_a\n");
    // the capture itself keeps the bytes; results remove the sequences when they render
    assertThat(c.render().text()).startsWith("\u001b[32m");
  }
}
