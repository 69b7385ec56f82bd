package cloud.tenki.engine.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * Builds the small {@code /bin/sh} prologue every sandbox process starts with: it moves itself into
 * the sandbox's cgroups and sets the per-file size cap before it execs the real command, so the
 * command and everything it forks are limited from their first instruction. When the engine runs
 * with signals ignored, the next step resets them (see {@link InheritedSignals}).
 */
final class LaunchWrapper {

  /** The wrapper's name ({@code $0}). */
  static final String NAME = "tenki-launch";

  /** The byte a wrapper with a handshake writes on stdout once it joined the cgroups. */
  static final int READY = 'W';

  private static final String HANDSHAKE_FLAG = "--tenki-handshake";

  private static final String SCRIPT =
      "n=$1; shift\n"
          + "while [ \"$n\" -gt 0 ]; do\n"
          // the shell's own message would name the host's cgroup path
          + "  { echo $$ > \"$1\"; } 2>/dev/null ||"
          + " { echo 'tenki-engine: cannot join the sandbox cgroup' >&2; exit 125; }\n"
          + "  shift; n=$((n-1))\n"
          + "done\n"
          + "[ \"$1\" = - ] || ulimit -f \"$1\" || exit 125\n"
          + "shift\n"
          // with a handshake: say that the cgroups are joined, then wait for the go-ahead
          + "if [ \"$1\" = "
          + HANDSHAKE_FLAG
          + " ]; then\n"
          + "  shift; printf "
          + (char) READY
          + "; IFS= read -r _ || exit 125\n"
          + "fi\n"
          + "exec \"$@\"\n";

  private LaunchWrapper() {}

  /** The argv that runs {@code tail} inside the sandbox's cgroups and limits. */
  static List<String> wrap(SandboxConfig cfg, List<String> tail) {
    return wrap(cfg, tail, false);
  }

  /**
   * Like {@link #wrap(SandboxConfig, List)}, but the wrapper, once it joined the cgroups, writes
   * {@link #READY} on stdout and waits for a line on stdin before it execs {@code tail}: from then
   * on its descriptors 0 to 2 are the pipes it was started with (joining points stdout and stderr
   * elsewhere for an instant), and nothing of {@code tail} has run yet. See {@link OwnPipes}.
   */
  static List<String> wrapWithHandshake(SandboxConfig cfg, List<String> tail) {
    return wrap(cfg, tail, true);
  }

  private static List<String> wrap(SandboxConfig cfg, List<String> tail, boolean handshake) {
    List<String> argv = new ArrayList<>();
    argv.add("/bin/sh");
    argv.add("-c");
    argv.add(SCRIPT);
    argv.add(NAME);
    argv.add(Integer.toString(cfg.group().procsFiles().size()));
    cfg.group().procsFiles().forEach(p -> argv.add(p.toString()));
    long blocks = Math.max(1, cfg.limits().diskBytes() / 512);
    argv.add(cfg.limits().diskBytes() > 0 ? Long.toString(blocks) : "-");
    if (handshake) {
      argv.add(HANDSHAKE_FLAG);
    }
    // signals the engine was started ignoring must not stay ignored inside the sandbox
    argv.addAll(InheritedSignals.resetPrefix());
    if (cfg.group().procsFiles().isEmpty()) {
      // no cgroups: per-process rlimits are the fallback (memory as address space, processes
      // per user id, which is per sandbox when the sandbox has its own host uid)
      argv.add(HostSystem.require("prlimit", "util-linux"));
      argv.add("--nproc=" + cfg.limits().maxProcesses());
      argv.add("--as=" + (cfg.limits().memoryMb() * 1024L * 1024L));
      argv.add("--");
    }
    argv.addAll(tail);
    return argv;
  }
}
