package cloud.tenki.examples.quickstart;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.TenkiClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The quick start runs every section against the embedded local engine. */
class QuickStartTest {

  @Test
  void everySectionDoesWhatItSays() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TenkiClient client = TenkiClient.builder().localEngine().build();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      QuickStart.run(client, out);
      // both sandboxes were closed by the example, which terminates them
      assertThat(client.sandboxes().list()).isEmpty();
    }
    String transcript = bytes.toString(StandardCharsets.UTF_8);

    assertThat(transcript)
        .contains("== exec: python3 printed hello")
        .contains("CI=1, exit code 3")
        .contains("read back \"data\"")
        .contains("a command in the sandbox sees \"data\"")
        .contains("fetched from this machine: <h1>served from the sandbox</h1>")
        .contains("the process said: hello tenki")
        .contains("sent streamed, got back STREAMED while it runs")
        .contains("sent ways, got back WAYS while it runs")
        .contains("stdin closed; exit code 0")
        .contains("== shell: pipes and arithmetic work:")
        .contains(" 42")
        .contains("sticky=true idleTimeoutMinutes=120 pauseRetention=PT24H")
        .contains("(by 30 min)")
        .contains("== pause: state PAUSED")
        .contains("== resume: state RUNNING, notes.txt says \"kept across a pause\"")
        .contains("sticky sandbox(es), this one among them");
    assertThat(transcript).matches("(?s).*expose port: 3000 is at http://127\\.0\\.0\\.1:\\d+/.*");
    assertThat(transcript).doesNotContain("MISSING");
  }
}
