package cloud.tenki.sandbox.agent.suite;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.agent.ToolResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Background processes: start, read what is new, wait, stop, status. */
public interface ProcessBehaviour extends ToolkitContext {

  @Test
  default void backgroundProcessRunsOnAndIsReadAndStopped() {
    ToolkitHarness h = harness();
    String key = key();
    ToolResult started =
        h.ok(
            key,
            "run_command",
            Map.of(
                "command",
                "trap 'echo got TERM; exit 9' TERM; for i in 1 2 3; do echo tick $i; sleep 0.2; done;"
                    + " while :; do sleep 0.1; done",
                "background",
                true));
    assertThat(started.structured())
        .containsEntry("process_id", "p1")
        .containsEntry("running", true);
    assertThat(started.text()).contains("p1 is running", "read_process_output");
    StringBuilder seen = new StringBuilder((String) started.structured().get("stdout"));
    ToolkitHarness.await(
        Duration.ofSeconds(30),
        "three ticks",
        () -> {
          ToolResult r =
              h.ok(key, "read_process_output", Map.of("process_id", "p1", "wait_seconds", 2));
          seen.append(r.structured().get("stdout"));
          return seen.toString().contains("tick 3");
        });
    assertThat(seen.toString()).startsWith("tick 1\n").contains("tick 2\n", "tick 3\n");
    // nothing new: a read returns only what arrived since the last one
    // (by its number alone, as models often pass it)
    ToolResult quiet = h.ok(key, "read_process_output", Map.of("process_id", "1"));
    assertThat(quiet.structured())
        .containsEntry("process_id", "p1")
        .containsEntry("stdout", "")
        .containsEntry("running", true);
    ToolResult status = h.ok(key, "sandbox_status", Map.of());
    assertThat(status.text()).contains("p1 (running)");
    ToolResult stopped = h.ok(key, "stop_process", Map.of("process_id", "p1"));
    assertThat(stopped.structured())
        .containsEntry("running", false)
        .containsEntry("exit_code", 9)
        .containsEntry("stdout", "got TERM\n");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> procs =
        (List<Map<String, Object>>)
            h.ok(key, "sandbox_status", Map.of()).structured().get("background_processes");
    assertThat(procs).singleElement().satisfies(p -> assertThat(p).containsEntry("running", false));
  }

  @Test
  default void stopEscalatesToKill() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(
        key,
        "run_command",
        Map.of(
            "command", "trap '' TERM; echo up; while :; do sleep 0.1; done", "background", true));
    ToolResult stopped = h.ok(key, "stop_process", Map.of("process_id", "p1"));
    assertThat(stopped.structured())
        .containsEntry("running", false)
        .containsEntry("signal", "SIGKILL");
  }

  @Test
  default void exitOfABackgroundProcessIsReported() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(
        key,
        "run_command",
        Map.of(
            "argv",
            List.of("sh", "-c", "sleep 0.5; echo done; echo bad >&2; exit 4"),
            "background",
            true));
    ToolkitHarness.await(
        Duration.ofSeconds(30),
        "the exit",
        () ->
            !(Boolean)
                h.ok(key, "read_process_output", Map.of("process_id", "p1", "wait_seconds", 1))
                    .structured()
                    .get("running"));
    ToolResult r = h.ok(key, "read_process_output", Map.of("process_id", "p1"));
    assertThat(r.structured()).containsEntry("running", false).containsEntry("exit_code", 4);
    assertThat(r.text()).contains("exited with code 4");
  }

  @Test
  default void waitReturnsAsSoonAsOutputArrives() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(
        key, "run_command", Map.of("command", "sleep 1; echo late; sleep 300", "background", true));
    long start = System.nanoTime();
    ToolResult r = h.ok(key, "read_process_output", Map.of("process_id", "p1", "wait_seconds", 30));
    assertThat(r.structured()).containsEntry("stdout", "late\n");
    assertThat(System.nanoTime() - start).isLessThan(Duration.ofSeconds(20).toNanos());
    h.ok(key, "stop_process", Map.of("process_id", "p1"));
  }

  @Test
  default void unknownProcessIdsAreErrorsListingTheKnownOnes() {
    ToolkitHarness h = harness();
    String key = key();
    assertThat(h.error(key, "read_process_output", Map.of("process_id", "p1")).text())
        .contains("Unknown process_id `p1`", "no sandbox yet");
    assertThat(h.allSandboxes()).isEmpty();
    h.ok(key, "run_command", Map.of("command", "echo hi", "background", true));
    assertThat(h.error(key, "stop_process", Map.of("process_id", "p7")).text())
        .contains("Unknown process_id `p7`", "known: p1");
    assertThat(h.error(key, "stop_process", Map.of("process_id", "7")).text())
        .contains("Unknown process_id `7`", "known: p1");
  }

  @Test
  default void backgroundOutputBeyondTheRingIsCountedAndSpilled() {
    ToolkitHarness h = harness();
    String key = key();
    ToolResult started =
        h.ok(
            key,
            "run_command",
            Map.of("command", "seq 1 300000; touch seq.done; sleep 300", "background", true));
    ToolkitHarness.await(
        Duration.ofSeconds(30),
        "the command to finish writing",
        () ->
            h.ok(key, "run_command", Map.of("command", "test -f seq.done && echo yes || true"))
                .structured()
                .get("stdout")
                .equals("yes\n"));
    StringBuilder reads = new StringBuilder((String) started.structured().get("stdout"));
    ToolkitHarness.await(
        Duration.ofSeconds(30),
        "the last line",
        () -> {
          if (reads.toString().endsWith("300000\n")) {
            return true; // the start already caught it all
          }
          ToolResult r =
              h.ok(key, "read_process_output", Map.of("process_id", "p1", "wait_seconds", 1));
          reads.append(r.structured().get("stdout"));
          if (!reads.toString().endsWith("300000\n")) {
            return false;
          }
          assertThat(r.structured())
              .containsEntry("stdout_file", "/home/tenki/.tenki/output/p1.stdout");
          return true;
        });
    assertThat(reads.toString()).contains("was overwritten before it was read");
    h.ok(key, "stop_process", Map.of("process_id", "p1"));
    assertThat(
            h.ok(
                    key,
                    "run_command",
                    Map.of("command", "seq 1 300000 | cmp - .tenki/output/p1.stdout && echo same"))
                .structured())
        .containsEntry("stdout", "same\n");
  }

  @Test
  default void restartEndsEveryProcessAndKeepsTheFiles() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(key, "write_file", Map.of("path", "keep.txt", "content", "kept"));
    h.ok(key, "run_command", Map.of("command", "sleep 300", "background", true));
    // one the toolkit does not know of
    h.ok(key, "run_command", Map.of("command", "nohup sleep 301 >/dev/null 2>&1 &"));
    String sandbox = h.onlySandbox().id();
    ToolResult r = h.ok(key, "restart_sandbox", Map.of());
    assertThat(r.structured()).containsEntry("state", "running");
    assertThat(r.text()).contains("Restarted", "p1 (ended)");
    assertThat(h.onlySandbox().id()).isEqualTo(sandbox);
    ToolResult after =
        h.ok(
            key,
            "run_command",
            Map.of("command", "cat keep.txt; echo; ps -e -o comm= | grep -c '^sleep$'"));
    assertThat(after.structured()).containsEntry("stdout", "kept\n0\n");
    assertThat(h.ok(key, "read_process_output", Map.of("process_id", "p1")).structured())
        .containsEntry("running", false);
  }

  /**
   * Leaves a process behind that takes every free process slot of its sandbox, each with a sleeping
   * child, as soon as one is free.
   */
  String SLOT_TAKER =
      String.join(
          "\n",
          "import os, time",
          "if os.fork():",
          "    os._exit(0)",
          "os.setsid()",
          "while True:",
          "    try:",
          "        if os.fork() == 0:",
          "            os.execv('/bin/sleep', ['sleep', '3600'])",
          "    except OSError:",
          "        time.sleep(0.005)",
          "");

  @Test
  default void aSandboxOutOfProcessesSaysSoAndRestartFreesIt() throws Exception {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(key, "write_file", Map.of("path", "taker.py", "content", SLOT_TAKER));
    h.ok(key, "run_command", Map.of("command", "python3 taker.py </dev/null >/dev/null 2>&1"));
    // a command may still find a launch the engine prepared, or slots freed an instant before:
    // the full table must show within a few
    ToolResult refused = null;
    for (int i = 0; i < 20 && refused == null; i++) {
      ToolResult r = h.call(key, "run_command", Map.of("command", "echo hi"));
      if (r.isError()) {
        refused = r;
      }
      Thread.sleep(50);
    }
    assertThat(refused).as("a command refused for the process limit").isNotNull();
    assertThat(refused.text()).contains("process limit", "call restart_sandbox");
    h.ok(key, "restart_sandbox", Map.of());
    ToolResult fine = h.ok(key, "run_command", Map.of("command", "test -f taker.py && echo fine"));
    assertThat(fine.text()).doesNotContain("ran out of processes");
    assertThat(fine.structured()).containsEntry("stdout", "fine\n");
  }

  @Test
  default void aShellThatCouldNotForkGetsTheProcessLimitNote() {
    ToolkitHarness h = harness();
    // what bash prints while its fork waits for a free process slot
    ToolResult r =
        h.ok(
            key(),
            "run_command",
            Map.of(
                "command",
                "echo 'bash: fork: retry: Resource temporarily unavailable' >&2; echo done"));
    assertThat(r.text())
        .contains("ran out of processes")
        .contains("call restart_sandbox to end them all (files stay)");
  }
}
