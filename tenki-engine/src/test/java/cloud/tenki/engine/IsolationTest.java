package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/** Escape attempts: nothing planted in a sandbox reaches the host, the engine or a neighbour. */
class IsolationTest {

  private LocalEngine engine;
  private EngineClient client;
  private Path hostDir;

  private EngineClient.Sandbox start(Isolation isolation) throws Exception {
    engine = LocalEngine.builder().isolation(isolation).listen("127.0.0.1", 0).start();
    client = new EngineClient(engine.endpoint(), "tk_test");
    hostDir = Files.createTempDirectory(Path.of("/tmp"), "tenki-host-secret-");
    Files.writeString(hostDir.resolve("secret.txt"), "host secret");
    return client.create();
  }

  @AfterEach
  void stop() throws Exception {
    if (client != null) {
      client.close();
    }
    if (engine != null) {
      engine.close();
    }
    if (hostDir != null) {
      cloud.tenki.engine.sandbox.Rootfs.delete(hostDir);
    }
  }

  private static void assertNotFound(Runnable r) {
    assertThatThrownBy(r::run)
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.NOT_FOUND));
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void hostFilesAreUnreachableThroughTheFileApi(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    String secret = hostDir.resolve("secret.txt").toString();
    assertNotFound(() -> sb.read(secret));
    assertNotFound(() -> sb.read("../../../../../../.." + secret));
    assertNotFound(() -> sb.read("/home/tenki/../../.." + secret));
    // the sandbox's own tree on the host, named from inside, does not exist inside
    String ownRootOnHost = engine.stateDir().resolve("sandboxes").resolve(sb.id).toString();
    assertNotFound(() -> sb.read(ownRootOnHost + "/rootfs/etc/passwd"));
    assertThat(sb.readText("/etc/passwd"))
        .contains("tenki:x:1000:1000")
        .doesNotContain("root:x:0:0:root:/root:/bin/bash");
    assertThat(sb.readText("/etc/hostname")).startsWith("tenki-");
    // a write to a host path lands inside the sandbox, never on the host
    sb.write(secret, "overwritten");
    assertThat(Files.readString(hostDir.resolve("secret.txt"))).isEqualTo("host secret");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void sandboxLoopbackIsUpAndPrivate(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    // a server inside the sandbox is reachable on the sandbox's own 127.0.0.1
    var r =
        sb.run(
            "bash",
            "-c",
            "python3 -m http.server 8765 --bind 127.0.0.1 >/dev/null 2>&1 & "
                + "for i in $(seq 100); do "
                + "(exec 3<>/dev/tcp/127.0.0.1/8765) 2>/dev/null && { echo reached; break; }; "
                + "sleep 0.05; done; "
                + "(exec 3<>/dev/tcp/127.0.0.1/1) 2>&1; kill %1");
    assertThat(r.out()).contains("reached");
    // a closed port is refused, not unreachable: the interface is up
    assertThat(r.out()).contains("Connection refused").doesNotContain("unreachable");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void plantedLinksResolveInsideTheSandbox(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    String secret = hostDir.resolve("secret.txt").toString();
    var r =
        sb.run(
            "sh",
            "-c",
            "ln -s "
                + secret
                + " abs; ln -s ../../../../../../.."
                + secret
                + " rel;"
                + " ln -s / root; ln "
                + secret
                + " hard 2>/dev/null; echo done");
    assertThat(r.out()).contains("done");
    assertNotFound(() -> sb.read("abs"));
    assertNotFound(() -> sb.read("rel"));
    assertNotFound(() -> sb.read("root" + secret));
    assertNotFound(() -> sb.read("hard"));
    var st = sb.stat("abs");
    assertThat(st.getIsSymlink()).isTrue();
    assertThat(st.getSymlinkTarget()).isEqualTo(secret);
    // writes through a planted link stay inside too
    sb.write("root" + secret, "x");
    assertThat(Files.readString(hostDir.resolve("secret.txt"))).isEqualTo("host secret");
    // a hard link to a file of the host's /usr is refused (read-only mount, other device)
    var hard = sb.run("ln", "/usr/bin/env", "/home/tenki/env-link");
    assertThat(hard.code()).isNotZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void swappingADirectoryForASymlinkMidOperationStaysInside(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    Path target = hostDir.resolve("target");
    Files.createDirectories(target);
    // a sandbox process flips race/d between a real directory and a symlink to the host path
    sb.run(
        "sh",
        "-c",
        "mkdir -p race; (while :; do mkdir -p race/d.new; mv -T race/d.new race/d 2>/dev/null;"
            + " ln -sfn "
            + target
            + " race/l; mv -T race/l race/d 2>/dev/null; done) >/dev/null 2>&1 &");
    AtomicBoolean sawError = new AtomicBoolean();
    for (int i = 0; i < 40; i++) {
      try {
        sb.write("race/d/file" + i, "payload");
      } catch (StatusRuntimeException e) {
        sawError.set(true);
      }
      try {
        sb.read("race/d/file" + i);
      } catch (StatusRuntimeException e) {
        sawError.set(true);
      }
    }
    try (var files = Files.list(target)) {
      assertThat(files).as("nothing written to the host directory").isEmpty();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void sandboxesSeeOnlyTheirOwnProcesses(Isolation isolation) throws Exception {
    EngineClient.Sandbox a = start(isolation);
    EngineClient.Sandbox b = client.create();
    a.run("sh", "-c", "sleep 600 >/dev/null 2>&1 &");
    var psA = a.run("sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '");
    assertThat(psA.out()).contains("sleep 600");
    var psB =
        b.run(
            "sh",
            "-c",
            "cat /proc/[0-9]*/cmdline | tr '\\0' ' '; echo; ls /proc | grep -c '^[0-9]'");
    assertThat(psB.out()).doesNotContain("sleep 600").doesNotContain("java");
    int count =
        Integer.parseInt(psB.out().trim().substring(psB.out().trim().lastIndexOf('\n') + 1));
    assertThat(count).as("processes visible in a fresh sandbox").isLessThan(10);
    assertThat(b.run("sh", "-c", "ls /home/tenki; cat /etc/hostname").out())
        .doesNotContain(a.id.substring(0, 8));
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void theEnginePortIsUnreachableFromInside(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    int port = java.net.URI.create(engine.endpoint()).getPort();
    var r =
        sb.run(
            "python3",
            "-c",
            "import socket\n"
                + "s=socket.socket()\ns.settimeout(3)\n"
                + "try:\n  s.connect(('127.0.0.1', "
                + port
                + "))\n  print('connected')\nexcept OSError as e:\n  print('refused', e)\n");
    assertThat(r.out()).startsWith("refused");
    var ifaces = sb.run("cat", "/proc/net/dev");
    assertThat(ifaces.out()).contains("lo:").doesNotContain("eth0");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void sandboxUserIsNotHostRoot(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    assertThat(sb.run("id", "-u").out().trim()).isEqualTo("1000");
    sb.write("owned.txt", "x");
    Path onHost =
        engine
            .stateDir()
            .resolve("sandboxes")
            .resolve(sb.id)
            .resolve("rootfs/home/tenki/owned.txt");
    int hostUid = (Integer) Files.getAttribute(onHost, "unix:uid");
    if (cloud.tenki.engine.sandbox.HostSystem.isRoot()) {
      assertThat(hostUid).as("host uid of a sandbox file").isGreaterThanOrEqualTo(100_000);
    } else {
      assertThat(hostUid).isEqualTo(cloud.tenki.engine.sandbox.HostSystem.effectiveUid());
    }
    var caps = sb.run("sh", "-c", "grep CapEff /proc/self/status");
    assertThat(caps.out()).contains("0000000000000000");
  }
}
