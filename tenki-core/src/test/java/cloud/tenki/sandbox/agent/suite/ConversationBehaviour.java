package cloud.tenki.sandbox.agent.suite;

import static cloud.tenki.sandbox.agent.suite.ToolkitContext.sh;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.SandboxInfo;
import cloud.tenki.sandbox.agent.ToolResult;
import cloud.tenki.sandbox.agent.ToolSelection;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/** One sandbox per conversation: isolation, reuse, concurrency, the cap, loss, ending. */
public interface ConversationBehaviour extends ToolkitContext {

  @Test
  default void eachConversationHasItsOwnSandbox() {
    ToolkitHarness h = harness();
    String a = key();
    String b = key();
    h.ok(a, "write_file", Map.of("path", "secret.txt", "content", "for a only"));
    assertThat(h.error(b, "read_file", Map.of("path", "secret.txt")).text())
        .contains("File not found");
    assertThat(h.ok(a, "read_file", Map.of("path", "secret.txt")).structured())
        .containsEntry("content", "for a only");
    h.ok(b, "run_command", sh("echo b > mine.txt"));
    assertThat(h.ok(a, "run_command", sh("ls")).structured())
        .containsEntry("stdout", "secret.txt\n");
    assertThat(h.sandboxes()).hasSize(2);
    assertThat(h.toolkit.runningSandboxes()).isEqualTo(2);
  }

  @Test
  default void concurrentCallsOfOneConversationShareOneSandboxAndRunAtTheSameTime()
      throws Exception {
    ToolkitHarness h = harness();
    String key = key();
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<Future<ToolResult>> calls = new ArrayList<>();
      // the first call waits for a file that the others create: it only ends if they ran meanwhile
      calls.add(
          pool.submit(
              () ->
                  h.call(
                      key,
                      "run_command",
                      Map.of(
                          "command",
                          "while [ $(ls flags 2>/dev/null | wc -l) -lt 7 ]; do sleep 0.05; done; echo all",
                          "timeout_seconds",
                          60))));
      for (int i = 0; i < 7; i++) {
        int n = i;
        calls.add(
            pool.submit(
                () -> h.call(key, "write_file", Map.of("path", "flags/" + n, "content", "x"))));
      }
      for (Future<ToolResult> f : calls) {
        ToolResult r = f.get(90, TimeUnit.SECONDS);
        assertThat(r.isError()).as(r.text()).isFalse();
      }
      assertThat(calls.get(0).get().structured())
          .containsEntry("stdout", "all\n")
          .containsEntry("timed_out", false);
    } finally {
      pool.shutdownNow();
    }
    assertThat(h.allSandboxes()).hasSize(1);
  }

  @Test
  default void statusWithoutASandboxDoesNotCreateOne() {
    ToolkitHarness h = harness();
    ToolResult r = h.ok(key(), "sandbox_status", Map.of());
    assertThat(r.structured()).containsEntry("state", "not_created");
    assertThat(r.text()).contains("created on the first call");
    assertThat(h.ok(key(), "extend_sandbox", Map.of("minutes", 5)).structured())
        .containsEntry("state", "not_created");
    assertThat(h.allSandboxes()).isEmpty();
  }

  @Test
  default void theCapOnSandboxesIsAnActionableError() {
    ToolkitHarness h = harness(b -> b.maxSandboxes(1));
    String a = key();
    String b = key();
    h.ok(a, "run_command", sh("true"));
    ToolResult refused = h.error(b, "run_command", sh("true"));
    assertThat(refused.text()).contains("Sandbox limit reached", "at most 1 sandbox", "Try again");
    assertThat(h.sandboxes()).hasSize(1);
    h.toolkit.endConversation(a);
    assertThat(h.sandboxes()).isEmpty();
    h.ok(b, "run_command", sh("true"));
  }

  @Test
  default void aSandboxTerminatedBehindTheToolkitsBackIsReplacedWithANote() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(key, "write_file", Map.of("path", "work.txt", "content", "precious"));
    SandboxInfo first = h.onlySandbox();
    try (Sandbox sb = client().sandboxes().get(first.id()).keepOnClose()) {
      sb.terminate();
    }
    ToolResult r = h.ok(key, "run_command", sh("cat work.txt"));
    assertThat(r.structured().get("note")).asString().contains("had ended", "files", "gone");
    assertThat(r.text()).contains("Note: The sandbox this conversation used had ended");
    assertThat(r.structured()).containsEntry("exit_code", 1);
    assertThat(h.onlySandbox().id()).isNotEqualTo(first.id());
    // the note is given once
    assertThat(h.ok(key, "run_command", sh("true")).structured()).doesNotContainKey("note");
    // file tools recover the same way
    try (Sandbox sb = client().sandboxes().get(h.onlySandbox().id()).keepOnClose()) {
      sb.terminate();
    }
    ToolResult w = h.ok(key, "write_file", Map.of("path", "again.txt", "content", "x"));
    assertThat(w.structured().get("note")).asString().contains("had ended");
    assertThat(h.sandboxes()).hasSize(1);
  }

  @Test
  default void aSandboxPausedBehindTheToolkitsBackIsResumed() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(key, "write_file", Map.of("path", "kept.txt", "content", "still here"));
    try (Sandbox sb = client().sandboxes().get(h.onlySandbox().id()).keepOnClose()) {
      sb.pause();
    }
    ToolResult r = h.ok(key, "read_file", Map.of("path", "kept.txt"));
    assertThat(r.structured()).containsEntry("content", "still here");
    assertThat(r.structured().get("note")).asString().contains("resumed");
    assertThat(h.onlySandbox().state()).isEqualTo(cloud.tenki.sandbox.SandboxState.RUNNING);
  }

  @Test
  default void aSandboxThatEndsDuringACallGivesAResultAndTheNextCallANewSandbox() throws Exception {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(key, "run_command", sh("true"));
    String id = h.onlySandbox().id();
    var call =
        java.util.concurrent.CompletableFuture.supplyAsync(
            () ->
                h.call(
                    key,
                    "run_command",
                    Map.of(
                        "command",
                        "touch during-started; echo up; sleep 60",
                        "timeout_seconds",
                        90)));
    // the sandbox must end while the command runs, not before it started: a command that never
    // started is retried on the replacement sandbox and runs its full minute there
    ToolkitHarness.await(
        java.time.Duration.ofSeconds(20),
        "the command to start",
        () ->
            h.ok(key, "run_command", sh("test -e during-started"))
                .structured()
                .get("exit_code")
                .equals(0));
    try (Sandbox sb = client().sandboxes().get(id).keepOnClose()) {
      sb.terminate();
    }
    ToolResult during = call.get(60, TimeUnit.SECONDS);
    assertThat(during.structured()).doesNotContainEntry("timed_out", true);
    ToolResult next = h.ok(key, "run_command", sh("echo fresh"));
    assertThat(next.structured()).containsEntry("stdout", "fresh\n");
    assertThat(during.text() + next.structured().get("note")).contains("new");
    assertThat(h.onlySandbox().id()).isNotEqualTo(id);
  }

  @Test
  default void endingAConversationAndClosingTheToolkitTerminateSandboxes() {
    ToolkitHarness h = harness();
    String a = key();
    String b = key();
    h.ok(a, "run_command", sh("true"));
    h.ok(b, "run_command", Map.of("command", "sleep 300", "background", true));
    assertThat(h.sandboxes()).hasSize(2);
    h.toolkit.endConversation(a);
    assertThat(h.sandboxes()).hasSize(1);
    h.toolkit.endConversation("never-used");
    h.toolkit.close();
    h.toolkit.close(); // idempotent
    assertThat(h.sandboxes()).isEmpty();
    assertThat(h.toolkit.runningSandboxes()).isZero();
    assertThatThrownBy(() -> h.toolkit.call(a, "run_command", sh("true")))
        .isInstanceOf(IllegalStateException.class);
  }

  @Test
  default void applicationMistakesThrow() {
    ToolkitHarness h = harness();
    assertThatThrownBy(() -> h.toolkit.call(null, "run_command", sh("true")))
        .isInstanceOf(NullPointerException.class)
        .hasMessageContaining("conversationKey");
    assertThatThrownBy(() -> h.toolkit.call("", "run_command", sh("true")))
        .isInstanceOf(IllegalArgumentException.class);
    assertThatThrownBy(() -> h.toolkit.call("k", null, sh("true")))
        .isInstanceOf(NullPointerException.class);
  }

  @Test
  default void selectionsLimitWhatCanBeCalled() {
    ToolkitHarness ro =
        harness(b -> b.selection(new ToolSelection(ToolSelection.Mode.READ_ONLY, Set.of())));
    assertThat(ro.toolkit.tools())
        .extracting(t -> t.name())
        .containsExactly("read_file", "list_files", "sandbox_status");
    assertThat(ro.error(key(), "run_command", sh("true")).text())
        .contains("`run_command` is not enabled");
    assertThat(ro.toolkit.instructions()).doesNotContain("run_command").contains("read_file");
    ToolkitHarness std = harness(b -> b.selection(ToolSelection.STANDARD.disable("run_code")));
    assertThat(std.error(key(), "run_code", Map.of("language", "python", "code", "1")).text())
        .contains("not enabled");
    assertThat(std.error(key(), "format_disk", Map.of()).text())
        .contains("Unknown tool `format_disk`");
    assertThat(std.allSandboxes()).isEmpty();
  }

  @Test
  default void resetStartsAFreshSandbox() {
    ToolkitHarness h =
        harness(b -> b.selection(new ToolSelection(ToolSelection.Mode.FULL, Set.of())));
    String key = key();
    h.ok(key, "write_file", Map.of("path", "old.txt", "content", "x"));
    String before = h.onlySandbox().id();
    ToolResult r = h.ok(key, "reset_sandbox", Map.of());
    assertThat(r.structured()).containsEntry("state", "running");
    assertThat(r.text()).contains("fresh");
    assertThat(h.onlySandbox().id()).isNotEqualTo(before);
    assertThat(h.error(key, "read_file", Map.of("path", "old.txt")).text())
        .contains("File not found");
  }
}
