package cloud.tenki.engine;

import static cloud.tenki.engine.SandboxHostUids.ownerOf;
import static cloud.tenki.engine.SandboxHostUids.processUids;
import static cloud.tenki.engine.SandboxHostUids.rootfs;
import static cloud.tenki.engine.SandboxHostUids.uidOfNewFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.tenki.engine.sandbox.HostSystem;
import cloud.tenki.engine.sandbox.Rootfs;
import cloud.tenki.proto.sandbox.v1.SessionState;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Engines in different processes never share a sandbox uid (they lease them through the machine's
 * default lease directory), and an engine killed with SIGKILL holds nothing: restarting on its
 * state directory takes its sandbox's uid back, files intact, and terminating that sandbox frees
 * the uid for everyone.
 */
@Timeout(240)
class CrossProcessUidTest {

  private final List<AutoCloseable> open = new ArrayList<>();
  private Process child;
  private Path childState;

  @BeforeEach
  void needsRoot() {
    assumeTrue(HostSystem.isRoot(), "per-sandbox host uids exist only for a root engine");
  }

  @AfterEach
  void cleanUp() throws Exception {
    if (child != null) {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    if (childState != null) {
      Rootfs.delete(childState);
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  /** Starts {@link UidChildEngine} in a new JVM and returns the id of the session it created. */
  private String startChild(Path state, int base, int count) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = Files.createTempFile("tenki-uid-child-", ".log");
    log.toFile().deleteOnExit();
    child =
        new ProcessBuilder(
                java,
                "-cp",
                System.getProperty("java.class.path"),
                UidChildEngine.class.getName(),
                state.toString(),
                Integer.toString(base),
                Integer.toString(count))
            .redirectError(log.toFile())
            .start();
    BufferedReader out =
        new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.UTF_8));
    String line =
        CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return out.readLine();
                  } catch (java.io.IOException e) {
                    return null;
                  }
                })
            .get(120, TimeUnit.SECONDS);
    assertThat(line)
        .as("child engine output (log: " + Files.readString(log) + ")")
        .startsWith("READY ");
    return line.substring("READY ".length()).trim();
  }

  private static void awaitNoProcessRunsAs(int uid) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (SandboxHostUids.anyProcessRunsAs(uid)) {
      assertThat(System.nanoTime()).as("processes of uid " + uid + " gone").isLessThan(deadline);
      Thread.onSpinWait();
    }
  }

  @Test
  void aChildProcessEngineGetsOtherUidsAndAKilledOneLeavesItsUidsFree() throws Exception {
    int base = SandboxHostUids.privateBase();
    LocalEngine parent =
        keep(
            LocalEngine.builder()
                .isolation(Isolation.BWRAP)
                .sandboxUidBase(base)
                .sandboxUidCount(2)
                .start());
    EngineClient pc = keep(new EngineClient(parent.endpoint(), "tk_test"));
    int mine = uidOfNewFile(parent.stateDir(), pc.create(), "who");

    childState = Files.createTempDirectory(Path.of("/tmp"), "tenki-uid-child-");
    String id = startChild(childState, base, 2);
    Path tree = rootfs(childState, id);
    int theirs = ownerOf(tree.resolve("home/tenki/child.txt"));
    assertThat(theirs).isNotEqualTo(mine).isBetween(base, base + 1);
    assertThat(processUids(tree)).as("the child's sandbox on the host").containsExactly(theirs);

    child.destroyForcibly(); // SIGKILL: no shutdown hook, no cleanup
    assertThat(child.waitFor(30, TimeUnit.SECONDS)).isTrue();
    awaitNoProcessRunsAs(theirs);
    // the dead engine's paused tree still owns its uid, so no other sandbox gets it yet
    StatusRuntimeException full =
        (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(pc::create);
    assertThat(full).isNotNull();
    assertThat(full.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);

    // its lease died with it: an engine restarted on its state takes the uid back
    try (LocalEngine restarted =
            LocalEngine.builder()
                .isolation(Isolation.BWRAP)
                .stateDir(childState)
                .sandboxUidBase(base)
                .sandboxUidCount(2)
                .start();
        EngineClient rc = new EngineClient(restarted.endpoint(), "tk_test")) {
      assertThat(rc.get(id).getState()).isEqualTo(SessionState.SESSION_STATE_PAUSED);
      EngineClient.Sandbox back = SandboxHostUids.resumed(rc, id);
      assertThat(back.readText("/home/tenki/child.txt")).isEqualTo("written by the child engine");
      assertThat(uidOfNewFile(childState, back, "who")).isEqualTo(theirs);
      assertThat(processUids(tree)).containsExactly(theirs);
      back.terminate();
    }
    // terminated: the uid is free for any engine
    EngineClient.Sandbox taken = pc.create();
    assertThat(uidOfNewFile(parent.stateDir(), taken, "who")).isEqualTo(theirs);
    assertThat(processUids(rootfs(parent.stateDir(), taken.id))).containsExactly(theirs);
  }
}
