package cloud.tenki.engine.sandbox;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Starts sandboxes with bubblewrap: new user, mount, pid, net, ipc and uts namespaces, the
 * sandbox's own tree as {@code /}, the host's {@code /usr} read-only, its own {@code /proc} and a
 * minimal {@code /dev}. Commands enter the running sandbox with nsenter.
 */
public final class BwrapLauncher implements Launcher {

  private static final Pattern CHILD_PID = Pattern.compile("\"child-pid\"\\s*:\\s*(\\d+)");

  @Override
  public String name() {
    return "bwrap";
  }

  /** Whether bubblewrap is installed. */
  public static boolean available() {
    return HostSystem.which("bwrap").isPresent();
  }

  /**
   * Whether this engine can use bubblewrap: run unprivileged, bwrap nests a second user namespace
   * under the one that owns the sandbox's other namespaces, and an unprivileged nsenter cannot
   * enter those; so commands could not join a running sandbox. Root engines can.
   */
  public static boolean usable() {
    return available() && HostSystem.isRoot();
  }

  @Override
  public SandboxInit start(SandboxConfig cfg) throws IOException {
    List<String> argv = new ArrayList<>(asSandboxOwner(cfg));
    argv.add(HostSystem.require("bwrap", "bubblewrap"));
    argv.addAll(
        List.of(
            "--unshare-user",
            "--uid",
            "1000",
            "--gid",
            "1000",
            "--unshare-pid",
            "--unshare-net",
            "--unshare-ipc",
            "--unshare-uts",
            "--unshare-cgroup-try",
            "--hostname",
            cfg.hostname(),
            "--bind",
            cfg.rootfs().toString(),
            "/"));
    for (String[] bind : Rootfs.readOnlyBinds()) {
      argv.addAll(List.of("--ro-bind", bind[0], bind[1]));
    }
    argv.addAll(
        List.of(
            "--proc",
            "/proc",
            "--dev",
            "/dev",
            // memory-backed file systems hold their files in host RAM, which only a memory cgroup
            // would count: /dev/shm gets a size cap and /dev itself (a tmpfs without one) is
            // read-only
            "--perms",
            "1777",
            "--size",
            Long.toString(Rootfs.shmBytes(cfg.limits())),
            "--tmpfs",
            "/dev/shm",
            "--remount-ro",
            "/dev",
            "--chdir",
            "/home/tenki",
            "--new-session",
            // bwrap closes the info fd inside the sandbox, so the init reports on stderr, where
            // bwrap's own complaints also go
            "--info-fd",
            "1",
            // the init is the namespace's pid 1 itself, not a child of bwrap's reaper: pid 1 gets
            // no signal it has no handler for from inside, so `kill -9 -1` run by the sandbox user
            // cannot end the sandbox (it would, by killing the reaper's only child); bash reaps
            // orphans as a pid 1 must (it waits for any child on SIGCHLD)
            "--as-pid-1",
            "--",
            "/bin/sh",
            "-c",
            "if [ -x /bin/bash ]; then S=/bin/bash; else S=/bin/sh; fi\n"
                + "echo ready >&2\n"
                + "exec \"$S\" -c 'while read -r _; do :; done'"));
    Process p =
        CommandEnvironment.launchStep(LaunchWrapper.wrap(cfg, argv))
            .directory(new java.io.File("/"))
            .start();
    InitHandshake.awaitReadyInterleaved(p, p.getErrorStream(), "bwrap");
    String info = readInfo(p.getInputStream());
    Matcher m = CHILD_PID.matcher(info);
    if (!m.find()) {
      p.destroyForcibly();
      throw new IOException("bwrap started but reported no sandbox pid: " + info.trim());
    }
    return new SandboxInit(p, Long.parseLong(m.group(1)));
  }

  /** Reads bwrap's JSON info block (up to its closing brace) or whatever error came instead. */
  private static String readInfo(InputStream err) throws IOException {
    StringBuilder sb = new StringBuilder();
    byte[] one = new byte[1];
    while (sb.length() < 8192) {
      int n = err.read(one);
      if (n < 0) {
        break;
      }
      sb.append(new String(one, 0, n, StandardCharsets.UTF_8));
      if (one[0] == '}') {
        break;
      }
    }
    return sb.toString();
  }

  @Override
  public List<String> enter(SandboxConfig cfg, SandboxInit init, String cwd, List<String> command) {
    return NsenterCommand.build(init, cwd, command);
  }

  /**
   * When the engine is root, the launcher runs as the sandbox's own unprivileged host uid, so the
   * sandbox user maps to that uid and never to host root.
   */
  static List<String> asSandboxOwner(SandboxConfig cfg) {
    if (cfg.hostUid() < 0) {
      return List.of();
    }
    return List.of(
        HostSystem.require("setpriv", "util-linux"),
        "--reuid=" + cfg.hostUid(),
        "--regid=" + cfg.hostUid(),
        "--clear-groups",
        "--");
  }
}
