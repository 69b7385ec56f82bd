package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Other users of the host must not read a sandbox's files. The path of every sandbox's tree is no
 * secret (it is in the init's command line, which {@code ps} shows every user), so the tree itself
 * must keep them out.
 */
class HostUsersTest {

  @RegisterExtension final Engines engines = new Engines();
  private LocalEngine engine;
  private EngineClient client;

  /** Runs {@code cat path} on the host as the unprivileged user nobody (65534). */
  private static String readAsNobody(Path path) throws Exception {
    Process p =
        new ProcessBuilder(
                "setpriv",
                "--reuid=65534",
                "--regid=65534",
                "--clear-groups",
                "--",
                "cat",
                path.toString())
            .redirectErrorStream(true)
            .start();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void anotherHostUserCannotReadSandboxFiles(Isolation isolation) throws Exception {
    assumeTrue(
        "root".equals(System.getProperty("user.name")), "needs a root engine to switch users");
    engine = engines.start(LocalEngine.builder().isolation(isolation));
    client = engines.client(engine, "tk_test");
    EngineClient.Sandbox sb = client.create();
    sb.write("/home/tenki/notes.txt", "agent secret");
    sb.run("/bin/sh", "-c", "echo tmp secret > /tmp/t.txt");
    Path rootfs = engine.stateDir().resolve("sandboxes").resolve(sb.id).resolve("rootfs");
    // the sandbox itself still works on its tree
    assertThat(sb.readText("/home/tenki/notes.txt")).isEqualTo("agent secret");
    assertThat(sb.run("cat", "/tmp/t.txt").out()).isEqualTo("tmp secret\n");
    assertThat(readAsNobody(rootfs.resolve("home/tenki/notes.txt")))
        .doesNotContain("agent secret")
        .contains("Permission denied");
    assertThat(readAsNobody(rootfs.resolve("tmp/t.txt")))
        .doesNotContain("tmp secret")
        .contains("Permission denied");
  }
}
