package cloud.tenki.examples.volumes;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.tenki.sandbox.NotFoundException;
import cloud.tenki.sandbox.TenkiClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Both halves of the example against the embedded local engine. */
class VolumesExampleTest {
  private TenkiClient client;
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private final PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8);

  @BeforeEach
  void start() {
    client = TenkiClient.builder().localEngine().build();
  }

  @AfterEach
  void stop() {
    client.close();
  }

  @Test
  void aSecondSandboxReadsWhatTheFirstWroteToTheVolume() {
    boolean supported = VolumesExample.runVolumes(client, out);
    String transcript = bytes.toString(StandardCharsets.UTF_8);
    Matcher created = Pattern.compile("volume examples-\\S+ \\((\\S+)\\)").matcher(transcript);
    assertThat(created.find()).as(transcript).isTrue();
    assertThatThrownBy(() -> client.volumes().get(created.group(1)))
        .as("the example deletes its volume")
        .isInstanceOf(NotFoundException.class);
    if (!supported) {
      assertThat(transcript)
          .contains("Volumes are not available here: ")
          .contains("this engine cannot mount volumes")
          .contains("must run as root");
    }
    assumeTrue(supported, "this engine cannot mount volumes (not root, or no loop devices)");

    assertThat(transcript)
        .containsPattern("sandbox 1 \\((\\S+)\\) mounted it at /mnt/data and wrote greeting.txt")
        .containsPattern("read:\\n  written by \\S+ at \\d\\d:\\d\\d:\\d\\d\\n")
        .contains(
            "writing there fails: touch: cannot touch 'shared/new.txt': Read-only file system")
        .contains("volume deleted");
    assertThat(client.sandboxes().list()).isEmpty();
  }

  /** An engine without isolation cannot mount volumes; the example must say so and clean up. */
  @Test
  void saysClearlyWhenTheEngineCannotMountVolumes() {
    try (TenkiClient plain =
        TenkiClient.builder().localEngine(Map.of("isolation", "none")).build()) {
      assertThat(VolumesExample.runVolumes(plain, out)).isFalse();
      String transcript = bytes.toString(StandardCharsets.UTF_8);
      assertThat(transcript)
          .contains("Volumes are not available here: ")
          .contains("this engine cannot mount volumes")
          .contains("must run as root, with isolation, on a machine with /dev/loop-control")
          .contains("volume deleted");
      assertThat(plain.sandboxes().list()).isEmpty();
    }
  }

  @Test
  void aNamedPreviewUrlReachesTheSandboxItIsBoundTo() {
    VolumesExample.runPreviewUrl(client, out);
    String transcript = bytes.toString(StandardCharsets.UTF_8);

    assertThat(transcript)
        .containsPattern(
            "preview URL examples-[0-9a-f]{8} -> port 8080: http://127\\.0\\.0\\.1:\\d+/")
        .contains("GET from this machine: hello from the first sandbox")
        .contains("bound to the second sandbox, same URL: hello from the second sandbox")
        .contains("preview URL deleted");
    assertThat(client.previewUrls().list()).isEmpty();
    assertThat(client.sandboxes().list()).isEmpty();
  }
}
