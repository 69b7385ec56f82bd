package cloud.tenki.examples.demo;

import cloud.tenki.examples.support.HostCommand;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.function.Function;

/**
 * Checks, before the demo starts the local engine, that this machine can run sandboxes, and says
 * exactly what to change when it cannot: the engine needs Linux, util-linux's {@code unshare},
 * {@code nsenter} and {@code setpriv} (or bubblewrap as root), and user namespaces; the demo's
 * Python needs {@code /usr/bin/python3} (a sandbox sees the host's {@code /usr}).
 */
final class Preflight {

  /** The outcome of running a probe command. */
  record Probe(int exitCode, String output) {}

  private final String osName;
  private final Path root;
  private final Function<List<String>, Probe> runner;

  Preflight(String osName, Path root, Function<List<String>, Probe> runner) {
    this.osName = osName;
    this.root = root;
    this.runner = runner;
  }

  /** This machine. */
  static Preflight system() {
    return new Preflight(System.getProperty("os.name", "unknown"), Path.of("/"), Preflight::run);
  }

  /** What stops the demo from running here, each with its fix; empty when nothing does. */
  List<String> problems() {
    List<String> problems = new ArrayList<>();
    if (!osName.toLowerCase(java.util.Locale.ROOT).contains("linux")) {
      problems.add(
          "This is "
              + osName
              + ". The local engine isolates sandboxes with Linux namespaces, so it runs on Linux"
              + " only. Run the demo on a Linux machine or VM (WSL 2 works).");
      return problems;
    }
    boolean unshare = executable("usr/bin/unshare") || executable("bin/unshare");
    boolean nsenter = executable("usr/bin/nsenter") || executable("bin/nsenter");
    boolean setpriv = executable("usr/bin/setpriv") || executable("bin/setpriv");
    if (!unshare || !nsenter || !setpriv) {
      problems.add(
          "util-linux's unshare, nsenter and setpriv are needed to start sandboxes and are not all"
              + " installed. Install util-linux (Debian/Ubuntu: apt-get install util-linux).");
    } else {
      userNamespaceProblem().ifPresent(problems::add);
    }
    if (!executable("usr/bin/python3")) {
      problems.add(
          "The demo runs Python in the sandbox, which sees this machine's /usr, but"
              + " /usr/bin/python3 is missing. Install it (Debian/Ubuntu: apt-get install"
              + " python3).");
    }
    return problems;
  }

  /** Creates a user namespace the way the engine does; on failure, says which switch is off. */
  private Optional<String> userNamespaceProblem() {
    Probe p = runner.apply(List.of("unshare", "--user", "--map-root-user", "true"));
    if (p.exitCode() == 0) {
      return Optional.empty();
    }
    StringBuilder why =
        new StringBuilder(
            "This machine does not let programs create user namespaces, which every sandbox"
                + " needs (`unshare --user --map-root-user true` failed: "
                + p.output().strip()
                + "). ");
    if (sysctl("proc/sys/user/max_user_namespaces").filter("0"::equals).isPresent()) {
      why.append("user.max_user_namespaces is 0: sysctl -w user.max_user_namespaces=15000. ");
    }
    if (sysctl("proc/sys/kernel/unprivileged_userns_clone").filter("0"::equals).isPresent()) {
      why.append(
          "kernel.unprivileged_userns_clone is 0: sysctl -w kernel.unprivileged_userns_clone=1. ");
    }
    if (sysctl("proc/sys/kernel/apparmor_restrict_unprivileged_userns")
        .filter("1"::equals)
        .isPresent()) {
      why.append(
          "AppArmor restricts unprivileged user namespaces (Ubuntu 23.10+): sysctl -w"
              + " kernel.apparmor_restrict_unprivileged_userns=0, or run as root. ");
    }
    why.append(
        "Inside a container, run it with --privileged or allow unshare/clone in its seccomp"
            + " profile. See docs/troubleshooting.md.");
    return Optional.of(why.toString());
  }

  private boolean executable(String relative) {
    return Files.isExecutable(root.resolve(relative));
  }

  private Optional<String> sysctl(String relative) {
    try {
      return Optional.of(Files.readString(root.resolve(relative)).strip());
    } catch (IOException e) {
      return Optional.empty();
    }
  }

  private static Probe run(List<String> command) {
    try {
      HostCommand r = HostCommand.run(command, Duration.ofSeconds(10));
      return r.exitCode() < 0
          ? new Probe(-1, "timed out")
          : new Probe(r.exitCode(), r.stdout() + r.stderr());
    } catch (UncheckedIOException e) {
      return new Probe(-1, String.valueOf(e.getCause().getMessage()));
    } catch (IllegalStateException e) {
      return new Probe(-1, "interrupted");
    }
  }
}
