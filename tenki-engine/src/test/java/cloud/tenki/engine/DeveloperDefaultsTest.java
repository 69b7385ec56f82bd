package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * What an assistant does in its first minutes in a new sandbox works without detours: {@code git
 * commit} (an identity is set), {@code pip install} (into {@code ~/.local}, despite Debian's
 * externally-managed marker) and {@code npm install -g} (into {@code ~/.local}, since {@code /usr}
 * is read-only), with the programs they install on the login shell's {@code PATH} in the same
 * command. Everything is installed from local files: sandboxes here reach no package index.
 */
class DeveloperDefaultsTest {

  @RegisterExtension final Engines engines = new Engines();
  private EngineClient.Sandbox sb;

  @BeforeEach
  void start() {
    LocalEngine engine = engines.start(LocalEngine.builder());
    sb = engines.client(engine, "tk_test").create();
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
  void pipInstallsIntoHomeAndItsProgramsRunInTheSameCommand() throws Exception {
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
  }

  @Test
  void npmGlobalInstallsGoToHomeAndTheirProgramsRunInTheSameCommand() throws Exception {
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
}
