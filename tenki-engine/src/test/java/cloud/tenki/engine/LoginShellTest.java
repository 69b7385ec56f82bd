package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.RunStart;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Login shells ({@code bash -lc}, what assistants' commands run in) read the sandbox's own profile:
 * built-ins only, the caller's {@code PATH} kept, the user's program directories added once they
 * exist, and {@code /etc/profile.d} honoured.
 */
class LoginShellTest {

  private static final String DEFAULT_PATH =
      "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  @RegisterExtension final Engines engines = new Engines();
  private LocalEngine engine;
  private EngineClient client;

  private EngineClient.Sandbox sandbox(Isolation isolation) {
    engine = engines.start(LocalEngine.builder().isolation(isolation));
    client = engines.client(engine, "tk_test");
    return client.create();
  }

  private static EngineClient.RunResult loginShell(
      EngineClient.Sandbox sb, String script, String path) throws Exception {
    RunStart.Builder start = RunStart.newBuilder().addCmd("/bin/bash").addCmd("-lc").addCmd(script);
    if (path != null) {
      start.putEnv("PATH", path);
    }
    return sb.run(start, null);
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void theProfileRunsNoProgramAndKeepsTheCallersPath(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = sandbox(isolation);
    assertThat(sb.run("mkdir", "/home/tenki/empty").code()).isZero();
    // with nothing to find on PATH, any program the profile ran by name (a distribution's
    // profile asks `id -u`) would fail with "command not found" on stderr
    EngineClient.RunResult r = loginShell(sb, "printf %s \"$PATH\"", "/home/tenki/empty");
    assertThat(r.err()).isEmpty();
    assertThat(r.code()).isZero();
    assertThat(r.out()).isEqualTo("/home/tenki/.local/bin:/home/tenki/empty");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void userProgramDirectoriesJoinThePathOnceTheyExist(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = sandbox(isolation);
    // ~/.local/bin, where pip and npm put what they install, exists in a new sandbox
    assertThat(loginShell(sb, "printf %s \"$PATH\"", null).out())
        .isEqualTo("/home/tenki/.local/bin:" + DEFAULT_PATH);
    assertThat(sb.run("mkdir", "/home/tenki/bin").code()).isZero();
    String expected = "/home/tenki/bin:/home/tenki/.local/bin:" + DEFAULT_PATH;
    assertThat(loginShell(sb, "printf %s \"$PATH\"", null).out()).isEqualTo(expected);
    // a login shell started from a login shell does not add them again
    assertThat(loginShell(sb, "bash -lc 'printf %s \"$PATH\"'", null).out()).isEqualTo(expected);
    // with no PATH at all, the engine's default is the base
    assertThat(loginShell(sb, "printf %s \"$PATH\"", "").out()).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void scriptsInProfileDAreRead(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = sandbox(isolation);
    assertThat(sb.run("mkdir", "-p", "/etc/profile.d").code()).isZero();
    sb.write("/etc/profile.d/tool.sh", "export TOOL_HOME=/opt/tool\n");
    assertThat(loginShell(sb, "printf %s \"$TOOL_HOME\"", null).out()).isEqualTo("/opt/tool");
    // `sh -l` reads the same profile
    var r = sb.run("/bin/sh", "-lc", "printf %s \"$TOOL_HOME\"");
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo("/opt/tool");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void askingForRootSaysThereIsNoneAndWhatWorksInstead(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = sandbox(isolation);
    EngineClient.RunResult sudo = loginShell(sb, "sudo apt-get install -y jq", null);
    assertThat(sudo.code()).isEqualTo(127);
    assertThat(sudo.err())
        .startsWith(
            "sudo: not available: commands in this sandbox run as user tenki, without root.")
        .contains("pip install", "npm install -g");
    // other missing commands keep the usual message and status
    EngineClient.RunResult missing = loginShell(sb, "no-such-tool --version", null);
    assertThat(missing.code()).isEqualTo(127);
    assertThat(missing.err()).isEqualTo("bash: no-such-tool: command not found\n");
  }
}
