package cloud.tenki.engine.sandbox;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * Starts sandboxes with util-linux alone ({@code unshare}, {@code mount}, {@code pivot_root},
 * {@code setpriv}): the same namespaces and file system layout as {@link BwrapLauncher}, for hosts
 * without bubblewrap. The setup script runs with capabilities inside the new user namespace only,
 * then drops every capability before the sandbox's init starts.
 */
public final class UnshareLauncher implements Launcher {

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(UnshareLauncher.class);
  private static volatile boolean warnedNoIp;

  private static final String SETUP =
      "set -e\n"
          + "R=$1; H=$2; SHM=$3; IP=$4; shift 4\n"
          // a new network namespace starts with its loopback down (bubblewrap brings it up itself)
          + "if [ -n \"$IP\" ]; then \"$IP\" link set lo up; fi\n"
          + "mount --rbind \"$R\" \"$R\"\n"
          + "while [ $# -gt 0 ]; do\n"
          + "  d=\"$R$2\"\n"
          // a sandbox created before this host (or engine) shared the entry has no mount point
          + "  if [ ! -e \"$d\" ]; then\n"
          + "    mkdir -p \"${d%/*}\"\n"
          + "    if [ -d \"$1\" ]; then mkdir \"$d\"; else : > \"$d\"; fi\n"
          + "  fi\n"
          + "  mount --bind \"$1\" \"$d\"\n"
          + "  mount -o remount,bind,ro,nosuid,nodev \"$d\"\n"
          + "  shift 2\n"
          + "done\n"
          + "mount -t proc -o nosuid,nodev,noexec proc \"$R/proc\"\n"
          + "mount -t tmpfs -o mode=755,nosuid,size=64k tmpfs \"$R/dev\"\n"
          + "for f in null zero full random urandom tty; do\n"
          + "  : > \"$R/dev/$f\"; mount --bind \"/dev/$f\" \"$R/dev/$f\"\n"
          + "done\n"
          + "mkdir \"$R/dev/shm\" \"$R/dev/pts\"\n"
          + "mount -t tmpfs -o nosuid,nodev,mode=1777,size=\"$SHM\" tmpfs \"$R/dev/shm\"\n"
          + "ln -s /proc/self/fd \"$R/dev/fd\"\n"
          + "ln -s /proc/self/fd/0 \"$R/dev/stdin\"\n"
          + "ln -s /proc/self/fd/1 \"$R/dev/stdout\"\n"
          + "ln -s /proc/self/fd/2 \"$R/dev/stderr\"\n"
          + "if command -v hostname >/dev/null; then hostname \"$H\"; fi\n"
          + "cd \"$R\"\n"
          + "pivot_root . .\n"
          + "umount -l -n -c .\n"
          // the cd set OLDPWD to the rootfs's host path, which the init must not carry
          + "cd /home/tenki && unset OLDPWD\n"
          // pid 1 must reap orphans: bash does (it waits for any child on SIGCHLD)
          + "if [ -x /bin/bash ]; then S=/bin/bash; else S=/bin/sh; fi\n"
          + "exec setpriv --inh-caps=-all --ambient-caps=-all --bounding-set=-all --no-new-privs"
          + " -- \"$S\" -c 'echo ready; while read -r _; do :; done'\n";

  @Override
  public String name() {
    return "unshare";
  }

  /** Whether util-linux has what this launcher needs. */
  public static boolean available() {
    return HostSystem.which("unshare").isPresent()
        && HostSystem.which("nsenter").isPresent()
        && HostSystem.which("setpriv").isPresent();
  }

  @Override
  public SandboxInit start(SandboxConfig cfg) throws IOException {
    List<String> argv = new ArrayList<>(BwrapLauncher.asSandboxOwner(cfg));
    argv.addAll(
        List.of(
            HostSystem.require("unshare", "util-linux"),
            "--user",
            "--map-user=1000",
            "--map-group=1000",
            "--keep-caps",
            "--mount",
            "--propagation",
            "private",
            "--pid",
            "--fork",
            "--kill-child",
            "--net",
            "--ipc",
            "--uts",
            "--",
            "/bin/sh",
            "-c",
            SETUP,
            "tenki-setup",
            cfg.rootfs().toString(),
            cfg.hostname(),
            Long.toString(Rootfs.shmBytes(cfg.limits())),
            ipCommand()));
    for (String[] bind : Rootfs.readOnlyBinds()) {
      argv.add(bind[0]);
      argv.add(bind[1]);
    }
    Process p =
        CommandEnvironment.launchStep(LaunchWrapper.wrap(cfg, argv))
            .directory(new java.io.File("/"))
            .start();
    InitHandshake.awaitReady(p, InitHandshake.drain(p.getErrorStream()), "unshare");
    Optional<ProcessHandle> child =
        ProcessHandle.of(p.pid()).flatMap(h -> h.children().findFirst());
    if (child.isEmpty()) {
      p.destroyForcibly();
      throw new IOException("unshare started but its sandbox init vanished");
    }
    return new SandboxInit(p, child.get().pid());
  }

  /** The host's {@code ip} (iproute2), or "" with a one-time warning when there is none. */
  private static String ipCommand() {
    Optional<java.nio.file.Path> ip = HostSystem.which("ip");
    if (ip.isEmpty() && !warnedNoIp) {
      warnedNoIp = true;
      LOG.warn(
          "no ip command (iproute2) on this host: sandboxes started with unshare have no loopback"
              + " network, so servers inside them cannot be reached; install iproute2 or"
              + " bubblewrap");
    }
    return ip.map(Object::toString).orElse("");
  }

  @Override
  public List<String> enter(SandboxConfig cfg, SandboxInit init, String cwd, List<String> command) {
    return NsenterCommand.build(init, cwd, command);
  }
}
