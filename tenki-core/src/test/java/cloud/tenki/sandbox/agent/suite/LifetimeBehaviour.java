package cloud.tenki.sandbox.agent.suite;

import static cloud.tenki.sandbox.agent.suite.ToolkitContext.sh;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.SandboxInfo;
import cloud.tenki.sandbox.SandboxState;
import cloud.tenki.sandbox.agent.IdleAction;
import cloud.tenki.sandbox.agent.SandboxTemplate;
import cloud.tenki.sandbox.agent.ToolResult;
import cloud.tenki.sandbox.fake.ManualClock;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Idle close and pause on a clock moved by hand, keep-alive extension, extend_sandbox, status. */
public interface LifetimeBehaviour extends ToolkitContext {

  @Test
  default void anIdleSandboxIsClosedAndTheNextCallSaysSo() {
    ManualClock clock = new ManualClock();
    ToolkitHarness h = harness(b -> b.clock(clock).idleTimeout(Duration.ofMinutes(10)));
    String key = key();
    h.ok(key, "write_file", Map.of("path", "f.txt", "content", "x"));
    clock.advance(Duration.ofMinutes(9));
    h.ok(key, "run_command", sh("true")); // a call resets the idle time
    clock.advance(Duration.ofMinutes(9));
    assertThat(h.sandboxes()).hasSize(1);
    clock.advance(Duration.ofMinutes(2));
    ToolkitHarness.await(
        Duration.ofSeconds(20),
        "the idle sandbox to close",
        () -> h.sandboxes().isEmpty() && h.toolkit.runningSandboxes() == 0);
    // the status says what happened, without creating a sandbox
    ToolResult status = h.ok(key, "sandbox_status", Map.of());
    assertThat(status.structured()).containsEntry("state", "ended");
    assertThat(status.text())
        .contains(
            "No sandbox now. The previous sandbox was shut down after 10 min without use; its"
                + " files,",
            "are gone. The next call that needs a sandbox creates a new one.");
    assertThat(h.sandboxes()).isEmpty();
    // a call that fails in the new sandbox still says why the file is gone
    ToolResult missing = h.error(key, "read_file", Map.of("path", "f.txt"));
    assertThat(missing.text())
        .contains("File not found", "Note: The previous sandbox was shut down after 10 min");
    // the note is told once
    ToolResult r = h.ok(key, "run_command", sh("ls"));
    assertThat(r.structured()).doesNotContainKey("note").containsEntry("stdout", "");
  }

  @Test
  default void aLongCommandAfterAnIdleShutdownStillCarriesTheNote() {
    ManualClock clock = new ManualClock();
    ToolkitHarness h = harness(b -> b.clock(clock).idleTimeout(Duration.ofMinutes(10)));
    String key = key();
    h.ok(key, "run_command", sh("true"));
    clock.advance(Duration.ofMinutes(11));
    ToolkitHarness.await(
        Duration.ofSeconds(20),
        "the idle sandbox to close",
        () -> h.sandboxes().isEmpty() && h.toolkit.runningSandboxes() == 0);
    // over 100 KB, so the command is written to a file first (a lease of its own)
    String command = "cat > /dev/null <<'EOF'\n" + "x".repeat(120_000) + "\nEOF\necho ran";
    ToolResult r = h.ok(key, "run_command", Map.of("command", command));
    assertThat(r.structured()).containsEntry("stdout", "ran\n");
    assertThat(r.structured().get("note"))
        .asString()
        .contains("shut down after 10 min without use");
    assertThat(r.text()).contains("Note: The previous sandbox was shut down");
  }

  @Test
  default void aSandboxIsNotIdleWhileACallRuns() throws Exception {
    ManualClock clock = new ManualClock();
    ToolkitHarness h = harness(b -> b.clock(clock).idleTimeout(Duration.ofMinutes(1)));
    String busy = key();
    String witness = key();
    h.ok(witness, "run_command", sh("true"));
    var call =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                h.call(
                    busy,
                    "run_command",
                    Map.of(
                        "command",
                        "while [ ! -f go ]; do sleep 0.05; done; echo went",
                        "timeout_seconds",
                        120)));
    ToolkitHarness.await(
        Duration.ofSeconds(20), "the busy sandbox", () -> h.sandboxes().size() == 2);
    clock.advance(Duration.ofMinutes(5));
    // the idle witness is closed by a sweep that also saw the busy conversation
    ToolkitHarness.await(Duration.ofSeconds(20), "a sweep", () -> h.sandboxes().size() == 1);
    h.ok(busy, "write_file", Map.of("path", "go", "content", ""));
    ToolResult r = call.get(60, java.util.concurrent.TimeUnit.SECONDS);
    assertThat(r.structured()).containsEntry("stdout", "went\n").doesNotContainKey("note");
    assertThat(h.sandboxes()).hasSize(1);
  }

  @Test
  default void anIdleSandboxCanBePausedAndIsResumedWithItsFiles() {
    ManualClock clock = new ManualClock();
    ToolkitHarness h =
        harness(
            b -> b.clock(clock).idleTimeout(Duration.ofMinutes(5)).idleAction(IdleAction.PAUSE));
    String key = key();
    h.ok(key, "write_file", Map.of("path", "kept.txt", "content", "still here"));
    h.ok(key, "run_command", Map.of("command", "sleep 300", "background", true));
    clock.advance(Duration.ofMinutes(6));
    ToolkitHarness.await(
        Duration.ofSeconds(20),
        "the sandbox to pause",
        () -> h.inState(SandboxState.PAUSED).size() == 1 && h.toolkit.runningSandboxes() == 0);
    ToolResult status = h.ok(key, "sandbox_status", Map.of());
    assertThat(status.structured()).containsEntry("state", "paused");
    ToolResult r = h.ok(key, "read_file", Map.of("path", "kept.txt"));
    assertThat(r.structured()).containsEntry("content", "still here");
    assertThat(r.structured().get("note"))
        .asString()
        .contains("paused", "background processes were stopped");
    assertThat(h.ok(key, "read_process_output", Map.of("process_id", "p1")).structured())
        .containsEntry("running", false);
    assertThat(h.inState(SandboxState.RUNNING)).hasSize(1);
  }

  @Test
  default void callsExtendASandboxWhoseEndIsNearUpToTheMaximumLifetime() {
    ManualClock clock = new ManualClock();
    ToolkitHarness h =
        harness(
            b ->
                b.clock(clock)
                    .idleTimeout(Duration.ofHours(4))
                    .maxLifetime(Duration.ofMinutes(100)),
            t -> t.lifetime(Duration.ofMinutes(60)));
    String key = key();
    h.ok(key, "run_command", sh("true"));
    Instant first = h.onlySandbox().timeoutAt().orElseThrow();
    clock.advance(Duration.ofMinutes(50)); // 10 minutes left: less than a quarter of the lifetime
    h.ok(key, "run_command", sh("true"));
    Instant second = h.onlySandbox().timeoutAt().orElseThrow();
    assertThat(Duration.between(first, second)).isEqualTo(Duration.ofMinutes(40)); // capped at 100
    clock.advance(Duration.ofMinutes(47)); // 3 minutes left, at the cap
    ToolResult r = h.ok(key, "run_command", sh("true"));
    assertThat(r.structured().get("note")).asString().contains("maximum lifetime in 3 min");
    assertThat(h.onlySandbox().timeoutAt().orElseThrow()).isEqualTo(second);
  }

  @Test
  default void extendSandboxAddsTimeWithinTheMaximum() {
    ToolkitHarness h =
        harness(
            b -> b.maxLifetime(Duration.ofMinutes(90)), t -> t.lifetime(Duration.ofMinutes(60)));
    String key = key();
    h.ok(key, "run_command", sh("true"));
    Instant before = h.onlySandbox().timeoutAt().orElseThrow();
    ToolResult r = h.ok(key, "extend_sandbox", Map.of("minutes", 20));
    assertThat(((Number) r.structured().get("time_left_seconds")).longValue())
        .isGreaterThan(70 * 60);
    assertThat(Duration.between(before, h.onlySandbox().timeoutAt().orElseThrow()))
        .isEqualTo(Duration.ofMinutes(20));
    ToolResult capped = h.ok(key, "extend_sandbox", Map.of("minutes", 30));
    assertThat(capped.structured().get("note"))
        .asString()
        .contains("less than asked", "at most 90 min");
    assertThat(h.error(key, "extend_sandbox", Map.of("minutes", 5)).text())
        .contains("maximum lifetime of 90 min");
    assertThat(h.error(key, "extend_sandbox", Map.of("minutes", 61)).text())
        .contains("`minutes`", "between 1 and 60");
  }

  @Test
  default void statusShowsStateTimeLeftAndResources() {
    ToolkitHarness h = harness(b -> b, t -> t.cpuCores(1).memoryMb(512).allowOutbound(false));
    String key = key();
    h.ok(key, "run_command", sh("true"));
    ToolResult r = h.ok(key, "sandbox_status", Map.of());
    assertThat(r.structured())
        .containsEntry("state", "running")
        .containsEntry("cpu_cores", 1L)
        .containsEntry("memory_mb", 512L)
        .containsEntry("network", false);
    long left = ((Number) r.structured().get("time_left_seconds")).longValue();
    assertThat(left).isBetween(50L * 60, SandboxTemplate.DEFAULT_LIFETIME.toSeconds());
    assertThat(r.text())
        .contains(
            "Sandbox running",
            "1 CPU, 512 MiB memory, no network access",
            "Background processes: none.");
    SandboxInfo info = h.onlySandbox();
    assertThat(info.cpuCores()).isEqualTo(1);
  }
}
