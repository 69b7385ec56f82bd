package cloud.tenki.engine.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

/**
 * Outbound network for a sandbox through slirp4netns: a user-mode network stack that gives the
 * sandbox's own network namespace a {@code tap0} with NAT to the outside, DNS at 10.0.2.3, and
 * (with {@code --disable-host-loopback}) no way to reach the host's loopback services, the engine's
 * port among them. slirp4netns runs in its own sandbox with a seccomp filter and exits when the
 * engine closes its stdin (or dies).
 */
public final class OutboundNetwork {

  private static final long READY_TIMEOUT_NS = 5_000_000_000L;

  private OutboundNetwork() {}

  /** Whether slirp4netns is installed. */
  public static boolean available() {
    return HostSystem.which("slirp4netns").isPresent();
  }

  /** Connects the network namespace of a running sandbox; returns once its route is up. */
  static Process attach(long targetPid) throws IOException {
    List<String> argv = new ArrayList<>();
    argv.add(HostSystem.require("slirp4netns", "slirp4netns"));
    argv.addAll(
        List.of(
            "--configure",
            "--mtu=65520",
            "--disable-host-loopback",
            "--enable-sandbox",
            "--enable-seccomp",
            "--exit-fd=0"));
    if (!HostSystem.isRoot()) {
      argv.add("--userns-path=/proc/" + targetPid + "/ns/user");
    }
    // by path, not pid: with a pid slirp4netns would join the sandbox's innermost user namespace
    // first, which does not own the network namespace
    argv.addAll(List.of("--netns-type=path", "/proc/" + targetPid + "/ns/net", "tap0"));
    Process p =
        CommandEnvironment.launchStep(argv)
            .redirectErrorStream(true)
            .redirectOutput(ProcessBuilder.Redirect.DISCARD)
            .start();
    Path route = Path.of("/proc/" + targetPid + "/net/route");
    long deadline = System.nanoTime() + READY_TIMEOUT_NS;
    while (System.nanoTime() < deadline && p.isAlive()) {
      if (routeUp(route)) {
        return p;
      }
      LockSupport.parkNanos(500_000);
    }
    p.destroyForcibly();
    throw new IOException("slirp4netns could not connect the sandbox network");
  }

  private static boolean routeUp(Path route) {
    try {
      for (String line : Files.readAllLines(route)) {
        if (line.startsWith("tap0\t00000000")) {
          return true;
        }
      }
    } catch (IOException e) {
      // not yet
    }
    return false;
  }
}
