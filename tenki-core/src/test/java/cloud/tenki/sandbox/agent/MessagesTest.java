package cloud.tenki.sandbox.agent;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.NotFoundException;
import cloud.tenki.sandbox.QuotaExceededException;
import cloud.tenki.sandbox.UnavailableException;
import java.util.List;
import org.junit.jupiter.api.Test;

class MessagesTest {
  private static final String ID = "5f0c1d2e-aaaa-bbbb-cccc-0123456789ab";

  @Test
  void idsTokensRequestIdsAndHostPathsAreScrubbed() {
    String raw =
        "ReadFile failed (not_found): no such file: /var/lib/tenki/engine/sandboxes/"
            + ID
            + "/rootfs/home/tenki/x.txt for session "
            + ID
            + " token tk_live_abcdef123 Bearer abc.def (request id req-42)\n"
            + "\tat cloud.tenki.Something";
    String s = Messages.scrub(raw, List.of(ID));
    assertThat(s)
        .doesNotContain(ID, "tk_live", "abc.def", "req-42", "/var/lib", "rootfs", "\tat ")
        .contains("/home/tenki/x.txt", "<redacted>");
  }

  @Test
  void ordinaryPathsAndWordsSurvive() {
    String raw = "cannot open /home/tenki/projects/a_rather_long_directory_name/data.csv: denied";
    assertThat(Messages.scrub(raw, List.of())).isEqualTo(raw);
    assertThat(Messages.scrub("key ab12cd34ef56ab12cd34ef56ab12cd34ef56 leaked", List.of()))
        .isEqualTo("key <redacted> leaked");
  }

  @Test
  void reasonsAreTheBackendsWordsWithoutTheOperationPrefix() {
    var e =
        new NotFoundException(
            "Stat /home/tenki/a failed (not_found): session not found: " + ID,
            "not_found",
            null,
            null);
    assertThat(Messages.reason(e, List.of(ID))).isEqualTo("session not found: <sandbox>");
    var u = new UnavailableException("Run failed (unavailable)", "unavailable", null, null);
    assertThat(Messages.backendFailure("run the command", u, List.of(), true))
        .isEqualTo(
            "Could not run the command: unavailable. The sandbox service did not answer in time;"
                + " try again in a moment.");
  }

  @Test
  void aFullProcessTableAdvisesRestartingWhenTheModelCan() {
    var full =
        new QuotaExceededException(
            "Run failed (resource_exhausted): sandbox process limit reached: its processes and"
                + " threads use up its limit of 512, so no new process can start until some of"
                + " them end",
            "resource_exhausted",
            null,
            null);
    assertThat(Messages.backendFailure("start the command", full, List.of(), true))
        .startsWith("Could not start the command: sandbox process limit reached: ")
        .endsWith("call restart_sandbox to end them all (files stay).");
    assertThat(Messages.backendFailure("start the command", full, List.of(), false))
        .doesNotContain("restart_sandbox")
        .endsWith("they end when the sandbox is paused or replaced.");
    var disk =
        new QuotaExceededException(
            "Write failed (resource_exhausted): sandbox disk quota exceeded: /home/tenki/x",
            "resource_exhausted",
            null,
            null);
    assertThat(Messages.backendFailure("write the file", disk, List.of(), true))
        .doesNotContain("restart_sandbox")
        .contains("free some space");
  }

  @Test
  void durationsAndSizesReadNaturally() {
    assertThat(Messages.duration(45)).isEqualTo("45 s");
    assertThat(Messages.duration(600)).isEqualTo("10 min");
    assertThat(Messages.duration(5400)).isEqualTo("90 min");
    assertThat(Messages.duration(9000)).isEqualTo("2 h 30 min");
    assertThat(Messages.size(1)).isEqualTo("1 byte");
    assertThat(Messages.size(65536)).isEqualTo("64.0 KiB");
    assertThat(Messages.size(3L << 30)).isEqualTo("3.00 GiB");
  }

  @Test
  void countsAgreeWithTheirNumber() {
    assertThat(Messages.count(1, "line")).isEqualTo("1 line");
    assertThat(Messages.count(0, "line")).isEqualTo("0 lines");
    assertThat(Messages.count(12, "line")).isEqualTo("12 lines");
  }
}
