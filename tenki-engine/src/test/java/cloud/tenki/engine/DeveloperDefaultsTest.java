package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.tenki.proto.sandbox.v1.PauseSessionRequest;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What an assistant does in its first minutes in a new sandbox works without detours: {@code git
 * commit} (an identity is set), {@code pip install} (into {@code ~/.local}, despite Debian's
 * externally-managed marker) and {@code npm install -g} (into {@code ~/.local}, since {@code /usr}
 * is read-only), with the programs they install on the login shell's {@code PATH} in the same
 * command. Everything is installed from local files: sandboxes here reach no package index. The
 * host's JDK runs too: its configuration lives under {@code /etc}.
 */
class DeveloperDefaultsTest {

  @RegisterExtension final Engines engines = new Engines();
  private LocalEngine engine;
  private EngineClient client;
  private EngineClient.Sandbox sb;

  private void start(Isolation isolation) {
    engine = engines.start(LocalEngine.builder().isolation(isolation));
    client = engines.client(engine, "tk_test");
    sb = client.create();
  }

  private void start() {
    start(Isolation.AUTO);
  }

  private EngineClient.RunResult bash(String script) throws Exception {
    return sb.run("/bin/bash", "-lc", script);
  }

  /** Skips when the host's {@code /usr} lacks a program the test drives. */
  private void require(String check) throws Exception {
    EngineClient.RunResult r = bash(check);
    assumeTrue(r.code() == 0, () -> "not installed on this host: " + check + ": " + r.err());
  }

  @Test
  void gitCommitsWithADefaultIdentityOnBranchMain() throws Exception {
    start();
    require("git --version");
    EngineClient.RunResult init = bash("git init r");
    assertThat(init.code()).isZero();
    // without a default branch, git prints a ten-line hint about naming it
    assertThat(init.err()).isEmpty();
    EngineClient.RunResult commit =
        bash(
            "cd r && echo x > a && git add a && git commit -qm first"
                + " && git log --format='%an <%ae>' && git branch --show-current");
    assertThat(commit.err()).isEmpty();
    assertThat(commit.code()).isZero();
    assertThat(commit.out()).matches("tenki <tenki@tenki-[0-9a-f]{8}\\.invalid>\nmain\n");
    // the user's own settings win over the sandbox's
    EngineClient.RunResult own =
        bash(
            "cd r && git config --global user.name Ada && git config --global user.email a@b.c"
                + " && echo y >> a && git commit -qam second && git log -1 --format='%an <%ae>'");
    assertThat(own.code()).isZero();
    assertThat(own.out()).isEqualTo("Ada <a@b.c>\n");
  }

  @Test
  void pythonRunsPython3() throws Exception {
    start();
    require("command -v python3");
    // with and without a shell
    assertThat(bash("python -c 'import sys; print(sys.version_info[0])'").out()).isEqualTo("3\n");
    assertThat(sb.run("python", "-c", "print(6 * 7)").out()).isEqualTo("42\n");
  }

  @Test
  void pipInstallsIntoHomeAndItsProgramsRunInTheSameCommand() throws Exception {
    start();
    require("python3 -m pip --version");
    sb.write("/home/tenki/w/hello_tenki/__init__.py", "X = 42\ndef main():\n    print('hello')\n");
    String info = "/home/tenki/w/hello_tenki-1.0.dist-info/";
    sb.write(info + "METADATA", "Metadata-Version: 2.1\nName: hello-tenki\nVersion: 1.0\n");
    sb.write(
        info + "WHEEL",
        "Wheel-Version: 1.0\nGenerator: test\nRoot-Is-Purelib: true\nTag: py3-none-any\n");
    sb.write(info + "entry_points.txt", "[console_scripts]\nhello-tenki = hello_tenki:main\n");
    sb.write(
        info + "RECORD",
        "hello_tenki/__init__.py,,\n"
            + "hello_tenki-1.0.dist-info/METADATA,,\n"
            + "hello_tenki-1.0.dist-info/WHEEL,,\n"
            + "hello_tenki-1.0.dist-info/entry_points.txt,,\n"
            + "hello_tenki-1.0.dist-info/RECORD,,\n");
    String wheel = "/home/tenki/hello_tenki-1.0-py3-none-any.whl";
    assertThat(
            bash("cd w && python3 -m zipfile -c "
                    + wheel
                    + " hello_tenki hello_tenki-1.0.dist-info")
                .code())
        .isZero();

    EngineClient.RunResult install =
        bash(
            "pip install --no-index --no-cache-dir --disable-pip-version-check "
                + wheel
                + " && hello-tenki && python3 -c 'import hello_tenki; print(hello_tenki.X)'");
    assertThat(install.err()).doesNotContain("externally-managed", "not on PATH");
    assertThat(install.code()).as(install.err()).isZero();
    assertThat(install.out())
        .contains("Successfully installed hello-tenki-1.0")
        .endsWith("hello\n42\n");
    assertThat(sb.stat("/home/tenki/.local/bin/hello-tenki").getExists()).isTrue();
    // found without a login shell too (run_code and argv commands start no shell)
    EngineClient.RunResult direct = sb.run("hello-tenki");
    assertThat(direct.code()).as(direct.err()).isZero();
    assertThat(direct.out()).isEqualTo("hello\n");
  }

  @Test
  void npmGlobalInstallsGoToHomeAndTheirProgramsRunInTheSameCommand() throws Exception {
    start();
    require("npm --version && node --version");
    sb.write(
        "/home/tenki/js/package.json",
        "{\"name\":\"hello-tenki-js\",\"version\":\"1.0.0\","
            + "\"bin\":{\"hello-tenki-js\":\"cli.js\"}}\n");
    sb.write("/home/tenki/js/cli.js", "#!/usr/bin/env node\nconsole.log('hi from js')\n");
    assertThat(sb.run("chmod", "+x", "/home/tenki/js/cli.js").code()).isZero();
    EngineClient.RunResult install =
        bash(
            "npm install -g --offline --no-audit --no-fund --no-update-notifier ./js"
                + " && hello-tenki-js && npm config get prefix");
    assertThat(install.code()).as(install.err()).isZero();
    assertThat(install.out()).endsWith("hi from js\n/home/tenki/.local\n");
  }

  /** The name of the host's JDK directory under {@code /etc}, or a skip when it has none. */
  private static String jdkEtc() throws Exception {
    try (Stream<Path> etc = Files.list(Path.of("/etc"))) {
      String name =
          etc.map(p -> p.getFileName().toString())
              .filter(n -> n.matches("java-[0-9]+-openjdk.*"))
              .findFirst()
              .orElse(null);
      assumeTrue(name != null, "this host's JDK keeps no configuration under /etc");
      return name;
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void theHostsJdkRunsAlsoInASandboxCreatedBeforeItsEtcWasShared(Isolation isolation)
      throws Exception {
    String jdk = jdkEtc();
    start(isolation);
    require("command -v java && command -v javac");
    sb.write(
        "/home/tenki/Hi.java",
        "class Hi { public static void main(String[] a) {"
            + " System.out.println(\"hi \" + a.length); } }\n");
    EngineClient.RunResult run = sb.run("java", "/home/tenki/Hi.java", "x");
    assertThat(run.err()).doesNotContain("java.security");
    assertThat(run.out()).isEqualTo("hi 1\n");

    // a sandbox made before the directory was shared lacks its mount point: pause, remove it,
    // resume
    client.control.pauseSession(PauseSessionRequest.newBuilder().setSessionId(sb.id).build());
    Path mountPoint =
        engine.stateDir().resolve("sandboxes").resolve(sb.id).resolve("rootfs/etc").resolve(jdk);
    assertThat(mountPoint).isDirectory().isEmptyDirectory();
    Files.delete(mountPoint);
    EngineClient.Sandbox resumed = SandboxHostUids.resumed(client, sb.id);
    EngineClient.RunResult again = resumed.run("java", "/home/tenki/Hi.java");
    assertThat(again.err()).doesNotContain("java.security");
    assertThat(again.out()).isEqualTo("hi 0\n");
    // Maven's launcher configuration is shared, its settings (where hosts keep credentials) not
    if (Files.exists(Path.of("/etc/maven/settings.xml"))) {
      assertThat(resumed.run("test", "-e", "/etc/maven/settings.xml").code()).isEqualTo(1);
      assertThat(resumed.run("test", "-e", "/etc/maven/m2.conf").code()).isZero();
    }
  }

  /** What {@code command} prints on the host, or a skip when it fails or takes over a minute. */
  private static String onHost(String... command) throws Exception {
    // stdout only: npm writes notices (a newer npm, say) to stderr
    Process p = new ProcessBuilder(command).redirectError(ProcessBuilder.Redirect.DISCARD).start();
    try {
      byte[] out = p.getInputStream().readNBytes(1 << 16);
      boolean done = p.waitFor(60, java.util.concurrent.TimeUnit.SECONDS);
      assumeTrue(done && p.exitValue() == 0, () -> "the host cannot: " + String.join(" ", command));
      return new String(out, java.nio.charset.StandardCharsets.UTF_8).strip();
    } finally {
      p.destroyForcibly();
    }
  }

  @Test
  void aPackageRegistryTheHostReachesIsReachedFromASandboxWithOutboundNetwork() throws Exception {
    assumeTrue(
        cloud.tenki.engine.sandbox.OutboundNetwork.available(), "slirp4netns is not installed");
    String query =
        "npm view is-number@7.0.0 version --fetch-timeout=20000 --fetch-retries=0"
            + " --no-update-notifier";
    // only a host that gets there without proxy settings, which sandboxes do not share
    Path home = Files.createTempDirectory("npm-home");
    String version;
    try {
      // empty user and global settings (two files: npm refuses to read one file twice)
      Path user = Files.createFile(home.resolve("user-npmrc"));
      Path global = Files.createFile(home.resolve("global-npmrc"));
      version =
          onHost(
              "env",
              "-i",
              "PATH=/usr/bin:/bin",
              "HOME=" + home,
              "NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt",
              "bash",
              "-c",
              query + " --userconfig=" + user + " --globalconfig=" + global);
    } finally {
      cloud.tenki.engine.sandbox.Rootfs.delete(home);
    }
    engine = engines.start(LocalEngine.builder());
    client = engines.client(engine, "tk_test");
    sb =
        client.create(
            cloud.tenki.proto.sandbox.v1.CreateSessionRequest.newBuilder().setAllowOutbound(true));
    // the registry's name (the host may resolve it through its hosts file), its certificate (the
    // host may trust its authority through the system store only) and the route out all work;
    // three tries, so that one failure of the registry itself does not count as the sandbox's
    EngineClient.RunResult r = bash(query);
    for (int attempt = 2; attempt <= 3 && r.code() != 0; attempt++) {
      Thread.sleep(2000);
      r = bash(query);
    }
    assertThat(r.code()).as(r.err()).isZero();
    assertThat(r.out().strip()).isEqualTo(version).isEqualTo("7.0.0");
  }
}
