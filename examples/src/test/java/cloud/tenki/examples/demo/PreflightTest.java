package cloud.tenki.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The machine checks name what is missing and how to fix it, on a file tree that lacks it. */
class PreflightTest {
  @TempDir Path root;

  private static final Preflight.Probe OK = new Preflight.Probe(0, "");
  private static final Preflight.Probe DENIED =
      new Preflight.Probe(1, "unshare: unshare failed: Operation not permitted");

  @Test
  void thisMachinePasses() {
    assertThat(Preflight.system().problems()).isEmpty();
  }

  @Test
  void aCompleteMachinePasses() throws IOException {
    tools("unshare", "nsenter", "setpriv", "python3");
    assertThat(new Preflight("Linux", root, c -> OK).problems()).isEmpty();
  }

  @Test
  void otherSystemsAreToldTheEngineNeedsLinux() {
    assertThat(new Preflight("Mac OS X", root, c -> OK).problems())
        .singleElement()
        .asString()
        .contains("Mac OS X")
        .contains("Linux only");
  }

  @Test
  void missingUtilLinuxAndPythonAreNamed() throws IOException {
    tools("unshare");
    List<String> problems = new Preflight("Linux", root, c -> OK).problems();
    assertThat(problems).hasSize(2);
    assertThat(problems.get(0)).contains("unshare, nsenter and setpriv").contains("util-linux");
    assertThat(problems.get(1)).contains("/usr/bin/python3").contains("apt-get install python3");
  }

  @Test
  void disabledUserNamespacesSayWhichSwitchIsOff() throws IOException {
    tools("unshare", "nsenter", "setpriv", "python3");
    sysctl("proc/sys/user/max_user_namespaces", "0");
    sysctl("proc/sys/kernel/apparmor_restrict_unprivileged_userns", "1");
    sysctl("proc/sys/kernel/unprivileged_userns_clone", "1");
    List<String> problems = new Preflight("Linux", root, c -> DENIED).problems();
    assertThat(problems)
        .singleElement()
        .asString()
        .contains("Operation not permitted")
        .contains("sysctl -w user.max_user_namespaces=15000")
        .contains("kernel.apparmor_restrict_unprivileged_userns=0")
        .doesNotContain("unprivileged_userns_clone=1")
        .contains("docs/troubleshooting.md");
  }

  private void tools(String... names) throws IOException {
    Files.createDirectories(root.resolve("usr/bin"));
    for (String n : names) {
      Path p = root.resolve("usr/bin").resolve(n);
      Files.writeString(p, "#!/bin/sh\n");
      Files.setPosixFilePermissions(p, PosixFilePermissions.fromString("rwxr-xr-x"));
    }
  }

  private void sysctl(String path, String value) throws IOException {
    Files.createDirectories(root.resolve(path).getParent());
    Files.writeString(root.resolve(path), value + "\n");
  }
}
