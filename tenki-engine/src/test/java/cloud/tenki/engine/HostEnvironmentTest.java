package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.RunStart;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A command's environment is the sandbox's business only: the engine's host-side launch chain (a
 * shell, nsenter, setpriv, all running in the host's namespaces, as root on a root engine) must
 * never see it, or variables the dynamic loader obeys would act on the host.
 */
class HostEnvironmentTest {

  private LocalEngine engine;
  private EngineClient client;
  private Path hostDir;

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

  private static long leaks(Path dir) throws Exception {
    try (Stream<Path> files = Files.list(dir)) {
      return files.filter(p -> p.getFileName().toString().startsWith("leak")).count();
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void theEnginesOwnVariablesCannotBeReadInsideTheSandbox(Isolation isolation) throws Exception {
    engine = LocalEngine.builder().isolation(isolation).start();
    client = new EngineClient(engine.endpoint(), "tk_test");
    EngineClient.Sandbox sb = client.create();
    // the sandbox's init (pid 1) runs as the sandbox user, who can read its environment; the
    // engine's is that of the application or shell it runs in, where API keys live
    String init = sb.run("sh", "-c", "tr '\\0' '\\n' < /proc/1/environ").out();
    java.util.Set<String> names = new java.util.TreeSet<>();
    init.lines().forEach(l -> names.add(l.contains("=") ? l.substring(0, l.indexOf('=')) : l));
    // the launch steps' fixed base, and what the init's shell sets itself
    assertThat(names).as(init).isSubsetOf("PATH", "LC_ALL", "PWD", "SHLVL", "_");
    assertThat(init).as("no host path").doesNotContain("/tmp/", engine.stateDir().toString());
    System.getenv()
        .forEach(
            (name, value) -> {
              if (!names.contains(name)) {
                return;
              }
              assertThat(name)
                  .as("the engine's %s in %s", name, init)
                  .isIn("PATH", "LC_ALL", "PWD");
            });
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void loaderVariablesInARunRequestNeverReachHostProcesses(Isolation isolation) throws Exception {
    engine = LocalEngine.builder().isolation(isolation).start();
    client = new EngineClient(engine.endpoint(), "tk_test");
    hostDir = Files.createTempDirectory(Path.of("/tmp"), "tenki-host-env-");
    String hostTarget = hostDir.resolve("leak").toString();
    EngineClient.Sandbox sb = client.create();
    // LD_DEBUG_OUTPUT makes every dynamically linked process that sees it write a file: one that
    // appears on the host was written by a host process carrying the caller's variables (with
    // LD_PRELOAD the same channel runs the caller's code there)
    var r =
        sb.run(
            RunStart.newBuilder()
                .addCmd("/bin/sh")
                .addCmd("-c")
                .addCmd("printf '%s|%s' \"$LD_DEBUG\" \"$MY_VAR\" > seen.txt")
                .putEnv("LD_DEBUG", "files")
                .putEnv("LD_DEBUG_OUTPUT", hostTarget)
                .putEnv("MY_VAR", "kept"),
            null);
    assertThat(r.exit().getExitCode()).isZero();
    // the command itself still gets its variables
    assertThat(sb.readText("seen.txt")).isEqualTo("files|kept");
    assertThat(leaks(hostDir)).as("files written on the host by the launch chain").isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void loaderVariablesOfASessionNeverReachHostProcesses(Isolation isolation) throws Exception {
    engine = LocalEngine.builder().isolation(isolation).start();
    client = new EngineClient(engine.endpoint(), "tk_test");
    hostDir = Files.createTempDirectory(Path.of("/tmp"), "tenki-host-env-");
    String hostTarget = hostDir.resolve("leak").toString();
    EngineClient.Sandbox sb =
        client.create(
            cloud.tenki.proto.sandbox.v1.CreateSessionRequest.newBuilder()
                .putEnv("LD_DEBUG", "files")
                .putEnv("LD_DEBUG_OUTPUT", hostTarget));
    sb.write("probe.txt", "x");
    assertThat(sb.readText("probe.txt")).isEqualTo("x");
    var r = sb.run("/bin/sh", "-c", "printf %s \"$LD_DEBUG\" > seen.txt");
    assertThat(r.exit().getExitCode()).isZero();
    assertThat(sb.readText("seen.txt")).isEqualTo("files");
    assertThat(leaks(hostDir)).as("files written on the host by the launch chain").isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"UNSHARE"})
  void variableNamesThatAreNotIdentifiersAreRefusedByName(Isolation isolation) throws Exception {
    engine = LocalEngine.builder().isolation(isolation).start();
    client = new EngineClient(engine.endpoint(), "tk_test");
    EngineClient.Sandbox sb = client.create();
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> sb.run(RunStart.newBuilder().addCmd("true").putEnv("A-B", "x"), null))
        .hasRootCauseInstanceOf(io.grpc.StatusRuntimeException.class)
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("env: variable names must match")
        .hasMessageContaining("'A-B'");
    // values with quotes, newlines and shell syntax arrive byte for byte
    String tricky = "a'b\"c\n$(touch /tmp/pwned)`id` ;*";
    sb.run(
        RunStart.newBuilder()
            .addCmd("/bin/sh")
            .addCmd("-c")
            .addCmd("printf %s \"$V\" > v.txt; ls /tmp > t.txt")
            .putEnv("V", tricky),
        null);
    assertThat(sb.readText("v.txt")).isEqualTo(tricky);
    assertThat(sb.readText("t.txt")).doesNotContain("pwned");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"UNSHARE"})
  void argumentsTheKernelCannotTakeAreRefusedAsInvalid(Isolation isolation) throws Exception {
    engine = LocalEngine.builder().isolation(isolation).start();
    client = new EngineClient(engine.endpoint(), "tk_test");
    EngineClient.Sandbox sb = client.create();
    String big = "x".repeat(200_000);
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> sb.run(RunStart.newBuilder().addCmd("echo").addCmd("-n").addCmd(big), null))
        .hasRootCauseInstanceOf(io.grpc.StatusRuntimeException.class)
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("cmd: argument 3 is 200000 bytes")
        .hasMessageContaining("stdin or a file");
    org.assertj.core.api.Assertions.assertThatThrownBy(
            () -> sb.run(RunStart.newBuilder().addCmd("true").putEnv("BIG", big), null))
        .hasRootCauseInstanceOf(io.grpc.StatusRuntimeException.class)
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("env: variable BIG is 200004 bytes");
    String part = "y".repeat(100_000);
    var many = RunStart.newBuilder().addCmd("true");
    for (int i = 0; i < 12; i++) {
      many.addCmd(part);
    }
    org.assertj.core.api.Assertions.assertThatThrownBy(() -> sb.run(many, null))
        .hasRootCauseInstanceOf(io.grpc.StatusRuntimeException.class)
        .hasMessageContaining("cmd and env take");
    // just below the limit for one argument still runs
    String fits = "z".repeat(120_000);
    var r =
        sb.run(
            RunStart.newBuilder()
                .addCmd("/bin/sh")
                .addCmd("-c")
                .addCmd("printf %s \"$1\" | wc -c")
                .addCmd("sh")
                .addCmd(fits),
            null);
    assertThat(r.out().strip()).isEqualTo("120000");
  }
}
