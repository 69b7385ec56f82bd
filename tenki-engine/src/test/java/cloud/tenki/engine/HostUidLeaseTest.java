package cloud.tenki.engine;

import static cloud.tenki.engine.SandboxHostUids.ownerOf;
import static cloud.tenki.engine.SandboxHostUids.processUids;
import static cloud.tenki.engine.SandboxHostUids.rootfs;
import static cloud.tenki.engine.SandboxHostUids.uidOfNewFile;
import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.tenki.engine.sandbox.HostSystem;
import cloud.tenki.engine.sandbox.Rootfs;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Engines in one JVM share the machine's sandbox uids without sharing any: each uid belongs to one
 * sandbox of one engine, comes back when that sandbox terminates, and a restarted engine whose
 * recorded uid went elsewhere hands its sandbox's files to a fresh one.
 */
@Timeout(240)
class HostUidLeaseTest {

  private final List<AutoCloseable> open = new ArrayList<>();
  private final List<Path> dirs = new ArrayList<>();

  @BeforeEach
  void needsRoot() {
    assumeTrue(HostSystem.isRoot(), "per-sandbox host uids exist only for a root engine");
  }

  @AfterEach
  void closeAll() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
    for (Path d : dirs) {
      Rootfs.delete(d);
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  private LocalEngine engine(LocalEngine.Builder b) {
    return keep(b.isolation(Isolation.BWRAP).start());
  }

  private EngineClient client(LocalEngine e) {
    return keep(new EngineClient(e.endpoint(), "tk_test"));
  }

  /** A state directory under a world-traversable parent (needed for per-sandbox uids). */
  private Path stateDir() throws Exception {
    Path d = Files.createTempDirectory(Path.of("/tmp"), "tenki-uids-");
    dirs.add(d);
    return d;
  }

  private static StatusRuntimeException exhausted(EngineClient c) {
    StatusRuntimeException e =
        (StatusRuntimeException) org.assertj.core.api.Assertions.catchThrowable(c::create);
    assertThat(e).as("create beyond the uid range").isNotNull();
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("no free sandbox uid");
    return e;
  }

  @Test
  void twoEnginesInOneJvmGiveTheirSandboxesDisjointHostUids() throws Exception {
    int base = SandboxHostUids.privateBase();
    LocalEngine a = engine(LocalEngine.builder().sandboxUidBase(base).sandboxUidCount(16));
    LocalEngine b = engine(LocalEngine.builder().sandboxUidBase(base).sandboxUidCount(16));
    EngineClient ca = client(a);
    EngineClient cb = client(b);
    Set<Integer> seen = new HashSet<>();
    for (var pair : List.of(List.of(a, ca), List.of(a, ca), List.of(b, cb), List.of(b, cb))) {
      LocalEngine e = (LocalEngine) pair.get(0);
      EngineClient.Sandbox sb = ((EngineClient) pair.get(1)).create();
      int uid = uidOfNewFile(e.stateDir(), sb, "who");
      assertThat(uid).isBetween(base, base + 15);
      assertThat(processUids(rootfs(e.stateDir(), sb.id)))
          .as("uids of the sandbox's launcher and init on the host")
          .containsExactly(uid);
      assertThat(seen.add(uid)).as("uid " + uid + " given to one sandbox only").isTrue();
    }
    assertThat(seen).hasSize(4);
  }

  @Test
  void aUidComesBackWhenItsSessionTerminatesAndTheRangeIsBounded() throws Exception {
    int base = SandboxHostUids.privateBase();
    LocalEngine e = engine(LocalEngine.builder().sandboxUidBase(base).sandboxUidCount(2));
    EngineClient c = client(e);
    EngineClient.Sandbox first = c.create();
    EngineClient.Sandbox second = c.create();
    int u1 = uidOfNewFile(e.stateDir(), first, "who");
    int u2 = uidOfNewFile(e.stateDir(), second, "who");
    assertThat(Set.of(u1, u2)).containsExactlyInAnyOrder(base, base + 1);
    exhausted(c);
    first.terminate();
    EngineClient.Sandbox third = c.create();
    assertThat(uidOfNewFile(e.stateDir(), third, "who")).isEqualTo(u1);
    assertThat(processUids(rootfs(e.stateDir(), third.id))).containsExactly(u1);
    // closing an engine frees what its sandboxes held (its temporary state goes with it)
    e.close();
    LocalEngine next = engine(LocalEngine.builder().sandboxUidBase(base).sandboxUidCount(2));
    EngineClient cn = client(next);
    Set<Integer> again = new HashSet<>();
    again.add(uidOfNewFile(next.stateDir(), cn.create(), "who"));
    again.add(uidOfNewFile(next.stateDir(), cn.create(), "who"));
    assertThat(again).containsExactlyInAnyOrder(base, base + 1);
  }

  @Test
  void aRestartedSessionWhoseUidWentElsewhereGetsAFreshOneWithItsFiles(@TempDir Path leases)
      throws Exception {
    int base = SandboxHostUids.privateBase();
    Path state = stateDir();
    Path outside = Files.createTempFile(Path.of("/tmp"), "tenki-uids-outside-", ".txt");
    dirs.add(outside);
    String id;
    int old;
    try (LocalEngine first =
            LocalEngine.builder()
                .isolation(Isolation.BWRAP)
                .stateDir(state)
                .uidLeaseDirectory(leases)
                .sandboxUidBase(base)
                .sandboxUidCount(2)
                .start();
        EngineClient c = new EngineClient(first.endpoint(), "tk_test")) {
      EngineClient.Sandbox sb = c.create();
      id = sb.id;
      sb.write("/home/tenki/kept.txt", "kept across the restart");
      var ln = sb.run("ln", "-s", outside.toString(), "/home/tenki/outside");
      assertThat(ln.code()).as(ln.err()).isZero();
      old = uidOfNewFile(state, sb, "who");
    }
    // a file outside the tree that the old uid owns: following the link would hand it over
    Rootfs.chown(outside, old);
    // the stopped engine's paused tree still belongs to its uid: no other tree may take it
    LocalEngine other =
        engine(
            LocalEngine.builder().uidLeaseDirectory(leases).sandboxUidBase(old).sandboxUidCount(1));
    EngineClient oc = client(other);
    exhausted(oc);
    // leases lost (as after a reboot with the lease directory on tmpfs): the uid goes elsewhere
    try (DirectoryStream<Path> files = Files.newDirectoryStream(leases)) {
      for (Path f : files) {
        Files.delete(f);
      }
    }
    EngineClient.Sandbox thief = oc.create();
    assertThat(uidOfNewFile(other.stateDir(), thief, "who")).isEqualTo(old);

    LocalEngine second =
        engine(
            LocalEngine.builder()
                .stateDir(state)
                .uidLeaseDirectory(leases)
                .sandboxUidBase(base)
                .sandboxUidCount(2));
    EngineClient c2 = client(second);
    EngineClient.Sandbox back = SandboxHostUids.resumed(c2, id);
    assertThat(back.readText("/home/tenki/kept.txt")).isEqualTo("kept across the restart");
    assertThat(back.run("cat", "/home/tenki/kept.txt").out()).isEqualTo("kept across the restart");
    int fresh = uidOfNewFile(state, back, "who-now");
    assertThat(fresh).isNotEqualTo(old).isBetween(base, base + 1);
    assertThat(processUids(rootfs(state, id))).containsExactly(fresh);
    assertThat(processUids(rootfs(other.stateDir(), thief.id))).containsExactly(old);
    Path tree = rootfs(state, id);
    assertThat(ownerOf(tree)).isEqualTo(fresh);
    assertThat(ownerOf(tree.resolve("home/tenki/kept.txt"))).isEqualTo(fresh);
    assertThat(ownerOf(tree.resolve("home/tenki/who"))).isEqualTo(fresh);
    assertThat(ownerOf(tree.resolve("home/tenki/outside"))).as("the link itself").isEqualTo(fresh);
    assertThat(ownerOf(outside)).as("the link's target is not followed").isEqualTo(old);
    assertThat(Files.isSymbolicLink(tree.resolve("home/tenki/outside"))).isTrue();
    assertThat(
            (Integer)
                Files.getAttribute(
                    tree.resolve("home/tenki/kept.txt"), "unix:gid", LinkOption.NOFOLLOW_LINKS))
        .isEqualTo(fresh);
  }
}
