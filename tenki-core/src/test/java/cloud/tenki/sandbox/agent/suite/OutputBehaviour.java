package cloud.tenki.sandbox.agent.suite;

import static cloud.tenki.sandbox.agent.suite.ToolkitContext.sh;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.agent.CallOptions;
import cloud.tenki.sandbox.agent.Cancellation;
import cloud.tenki.sandbox.agent.OutputBudget;
import cloud.tenki.sandbox.agent.ToolResult;
import java.lang.management.ManagementFactory;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.Test;

/** Budgets, truncation markers, spill files, timeouts, cancellation and streamed output. */
public interface OutputBehaviour extends ToolkitContext {

  @Test
  default void binaryOutputIsAMarkerBetweenTheTextAroundIt() {
    ToolkitHarness h = harness();
    String key = key();
    // every byte value 40 times (10 KiB, newlines included), between two lines of text
    String command =
        "printf 'before\\n'; python3 -c 'import sys; sys.stdout.buffer.write(bytes(range(256)) * 40)';"
            + " printf '\\nafter \\033[1mbold\\033[0m caf\\351\\n'";
    ToolResult r = h.ok(key, "run_command", sh(command));
    String stdout = (String) r.structured().get("stdout");
    assertThat(stdout)
        .startsWith("before\n[binary data, about 10.")
        .contains("KiB, not shown: pipe it through xxd or base64")
        .endsWith("]\nafter bold caf\uFFFD\n")
        .doesNotContain("\u0000");
    assertThat(stdout.chars().filter(c -> c == 0xFFFD).count())
        .as("only the legacy-encoded letter of the text line is a replacement character")
        .isEqualTo(1);
    assertThat(r.structured()).containsEntry("stdout_truncated", true);
    assertThat(h.ok(key, "run_command", sh("printf 'plain\\n'")).structured())
        .containsEntry("stdout", "plain\n")
        .containsEntry("stdout_truncated", false);
    // colours and other terminal sequences are not shown; nothing else is cut
    assertThat(
            h.ok(
                    key,
                    "run_command",
                    sh("printf '\\033[31mred\\033[0m \\033]0;title\\007ok\\n' >&2"))
                .structured())
        .containsEntry("stderr", "red ok\n")
        .containsEntry("stderr_truncated", false);
    // a progress bar redrawn with carriage returns shows its last state, as on a terminal
    assertThat(
            h.ok(
                    key,
                    "run_command",
                    sh(
                        "printf 'start\\n'; for i in 0 25 50 75 100; do printf '\\r%3d%%' $i;"
                            + " done; printf '\\ndone\\r\\n'"))
                .structured())
        .containsEntry("stdout", "start\n100%\ndone\r\n")
        .containsEntry("stdout_truncated", false);
  }

  @Test
  default void longOutputKeepsHeadAndTailAndSpillsTheWholeToAFile() {
    ToolkitHarness h = harness(b -> b.stdoutBudget(OutputBudget.ofChars(2_000)));
    String key = key();
    ToolResult r = h.ok(key, "run_command", sh("seq 1 200000; echo small >&2"));
    String stdout = (String) r.structured().get("stdout");
    assertThat(stdout.length()).isLessThanOrEqualTo(2_000);
    assertThat(stdout).startsWith("1\n2\n3\n").endsWith("199999\n200000\n");
    assertThat(stdout)
        .contains("of stdout omitted here; full output in /home/tenki/.tenki/output/");
    assertThat(r.structured())
        .containsEntry("stdout_truncated", true)
        .containsEntry("stderr_truncated", false)
        .containsEntry("stderr", "small\n")
        .doesNotContainKey("stderr_file");
    String file = (String) r.structured().get("stdout_file");
    assertThat(file).matches("/home/tenki/\\.tenki/output/\\d+\\.stdout");
    assertThat(r.text()).contains(file);
    // the spill file is exactly the real output
    ToolResult same =
        h.ok(key, "run_command", sh("seq 1 200000 | cmp - " + file + " && echo same"));
    assertThat(same.structured()).containsEntry("stdout", "same\n");
    // and the model can page through it
    ToolResult page =
        h.ok(key, "read_file", Map.of("path", file, "start_line", 150000, "end_line", 150002));
    assertThat(page.structured()).containsEntry("content", "150000\n150001\n150002\n");
  }

  @Test
  default void onlyTheRecentSpillFilesAreKept() {
    ToolkitHarness h = harness(b -> b.stdoutBudget(OutputBudget.ofChars(256)));
    String key = key();
    List<String> files = new java.util.ArrayList<>();
    for (int i = 0; i < 18; i++) {
      ToolResult r = h.ok(key, "run_command", sh("seq 1 1000"));
      files.add((String) r.structured().get("stdout_file"));
    }
    ToolResult listed = h.ok(key, "run_command", sh("ls .tenki/output | sort -n"));
    // sixteen commands' files stay: the first two spilled ones are gone
    assertThat(((String) listed.structured().get("stdout")).lines().toList())
        .hasSize(16)
        .doesNotContain(files.get(0).substring(files.get(0).lastIndexOf('/') + 1))
        .doesNotContain(files.get(1).substring(files.get(1).lastIndexOf('/') + 1))
        .contains(files.get(17).substring(files.get(17).lastIndexOf('/') + 1));
  }

  @Test
  default void stderrHasItsOwnBudgetAndFile() {
    ToolkitHarness h =
        harness(
            b ->
                b.stdoutBudget(OutputBudget.ofChars(50_000))
                    .stderrBudget(OutputBudget.ofChars(500)));
    String key = key();
    ToolResult r = h.ok(key, "run_command", sh("seq 1 3000; seq 1 3000 >&2"));
    assertThat(r.structured())
        .containsEntry("stdout_truncated", false)
        .containsEntry("stderr_truncated", true);
    assertThat(((String) r.structured().get("stdout")).split("\n")).hasSize(3000);
    String file = (String) r.structured().get("stderr_file");
    assertThat(file).endsWith(".stderr");
    assertThat(
            h.ok(key, "run_command", sh("seq 1 3000 | cmp - " + file + " && echo same"))
                .structured())
        .containsEntry("stdout", "same\n");
  }

  @Test
  default void spillFilesStopAtTheCapAndSaySo() {
    ToolkitHarness h =
        harness(b -> b.stdoutBudget(OutputBudget.ofChars(1_000)).spillCapBytes(64 * 1024));
    String key = key();
    ToolResult r = h.ok(key, "run_command", sh("seq 1 100000"));
    String file = (String) r.structured().get("stdout_file");
    assertThat((String) r.structured().get("stdout"))
        .contains("the first 64.0 KiB of it are saved in " + file, "the rest was not saved")
        .endsWith("100000\n");
    ToolResult check =
        h.ok(
            key,
            "run_command",
            sh(
                "stat -c %s "
                    + file
                    + "; seq 1 100000 | head -c 65536 | cmp - "
                    + file
                    + " && echo prefix"));
    assertThat(check.structured()).containsEntry("stdout", "65536\nprefix\n");
  }

  @Test
  default void aHundredMebibytesStreamInBoundedMemory() {
    long total = 100L * 1024 * 1024;
    ToolkitHarness h = harness(b -> b.spillCapBytes(128L * 1024 * 1024));
    String key = key();
    String gen = "yes 'the quick brown fox jumps over the lazy dog 0123456789' | head -c " + total;
    AtomicLong seen = new AtomicLong();
    AtomicLong nextSample = new AtomicLong(20L << 20);
    CopyOnWriteArrayList<Long> samples = new CopyOnWriteArrayList<>();
    long before = retainedHeap();
    ToolResult r =
        h.call(
            key,
            "run_command",
            Map.of("command", gen, "timeout_seconds", 600),
            CallOptions.listener(
                (stream, text) -> {
                  long n = seen.addAndGet(text.length());
                  if (n >= nextSample.get()) {
                    nextSample.addAndGet(20L << 20);
                    samples.add(retainedHeap());
                  }
                }));
    assertThat(r.isError()).as(r.text()).isFalse();
    assertThat(seen.get()).isEqualTo(total);
    assertThat(samples).hasSizeGreaterThanOrEqualTo(4);
    long growth = samples.stream().mapToLong(s -> s - before).max().orElseThrow();
    assertThat(growth).as("retained heap growth while streaming").isLessThan(32L << 20);
    assertThat(r.structured())
        .containsEntry("stdout_truncated", true)
        .containsEntry("exit_code", 0);
    assertThat((String) r.structured().get("stdout"))
        .startsWith("the quick brown fox")
        .contains("of stdout omitted here; full output in /home/tenki/.tenki/output/");
    String file = (String) r.structured().get("stdout_file");
    ToolResult same =
        h.ok(
            key,
            "run_command",
            Map.of("command", gen + " | cmp - " + file + " && echo same", "timeout_seconds", 600));
    assertThat(same.structured()).containsEntry("stdout", "same\n");
  }

  /** Heap in use after a full collection. */
  private static long retainedHeap() {
    System.gc();
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  @Test
  default void timeoutKillsTheProcessGroupAndReturnsPartialOutput() {
    ToolkitHarness h = harness();
    String key = key();
    ToolResult r =
        h.ok(
            key,
            "run_command",
            Map.of(
                "command",
                "echo before; (sleep 317; echo never) & echo started >&2; sleep 318",
                "timeout_seconds",
                2));
    assertThat(r.structured())
        .containsEntry("timed_out", true)
        .containsEntry("stdout", "before\n")
        .containsEntry("stderr", "started\n");
    assertThat(r.text()).startsWith("Timed out after 2 s").contains("were killed");
    assertThat(((Number) r.structured().get("duration_ms")).longValue()).isLessThan(15_000);
    assertThat(sleepsLeft(h, key)).isEqualTo("0\n");
  }

  /** Counts processes whose command line mentions "sleep 31" (from /proc: no ps needed). */
  String COUNT_SLEEPS =
      "for p in /proc/[0-9]*; do tr '\\0' ' ' < $p/cmdline 2>/dev/null; echo; done"
          + " | grep -c '^sleep 31' || true";

  /**
   * What {@link #COUNT_SLEEPS} prints, asked again until it is 0 or 10 s pass. The sleeps got
   * SIGKILL with their command, but each ends only when next scheduled, which on a busy machine can
   * be after the call returned.
   */
  private static Object sleepsLeft(ToolkitHarness h, String key) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    Object count = h.ok(key, "run_command", sh(COUNT_SLEEPS)).structured().get("stdout");
    while (!"0\n".equals(count) && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      count = h.ok(key, "run_command", sh(COUNT_SLEEPS)).structured().get("stdout");
    }
    return count;
  }

  @Test
  default void cancellationKillsTheCommandAndReturnsPartialOutput() {
    ToolkitHarness h = harness();
    String key = key();
    Cancellation cancel = new Cancellation();
    ToolResult r =
        h.call(
            key,
            "run_command",
            Map.of("command", "echo ready; (sleep 316) & sleep 319", "timeout_seconds", 120),
            new CallOptions(
                (stream, text) -> {
                  if (text.contains("ready")) {
                    cancel.cancel();
                  }
                },
                cancel));
    assertThat(r.isError()).isFalse();
    assertThat(r.structured())
        .containsEntry("cancelled", true)
        .containsEntry("timed_out", false)
        .containsEntry("stdout", "ready\n");
    assertThat(r.text()).startsWith("Cancelled after ");
    assertThat(sleepsLeft(h, key)).isEqualTo("0\n");
    // a call whose handle is already cancelled does not run
    ToolResult never =
        h.call(key, "run_command", sh("touch ran"), CallOptions.cancellation(cancel));
    assertThat(never.isError()).isTrue();
    assertThat(never.text()).contains("cancelled before it started");
  }

  @Test
  default void listenerReceivesOutputAsItStreamsOnCharacterBoundaries() {
    ToolkitHarness h = harness();
    CopyOnWriteArrayList<String> chunks = new CopyOnWriteArrayList<>();
    AtomicLong firstAt = new AtomicLong();
    long start = System.nanoTime();
    ToolResult r =
        h.call(
            key(),
            "run_command",
            sh("echo first; printf '\\303'; sleep 2; printf '\\251\\n'; echo oops >&2"),
            CallOptions.listener(
                (stream, text) -> {
                  firstAt.compareAndSet(0, System.nanoTime());
                  chunks.add(stream + ":" + text);
                }));
    long end = System.nanoTime();
    assertThat(r.structured()).containsEntry("stdout", "first\né\n");
    String out =
        chunks.stream()
            .filter(c -> c.startsWith("stdout:"))
            .map(c -> c.substring(7))
            .reduce("", String::concat);
    assertThat(out).isEqualTo("first\né\n").doesNotContain("\uFFFD");
    assertThat(chunks).contains("stderr:oops\n");
    // the command pauses 2 s after its first line; allowing that line up to 1.5 s to arrive
    // tolerates a busy machine and still tells streaming apart from delivery at the end
    assertThat(firstAt.get() - start)
        .as("first output arrived before the end")
        .isLessThan(end - start - 500_000_000L);
  }
}
