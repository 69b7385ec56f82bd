package cloud.tenki.engine.sandbox;

import java.util.ArrayList;
import java.util.List;

/**
 * Runs commands directly on the host, as the engine's user, with the sandbox's home directory
 * standing in for {@code /home/tenki}. No isolation at all: only on explicit opt-in, and every
 * session created this way says so in its metadata.
 */
public final class NoIsolationLauncher implements Launcher {

  @Override
  public String name() {
    return "none";
  }

  @Override
  public SandboxInit start(SandboxConfig cfg) {
    return new SandboxInit(null, -1);
  }

  @Override
  public List<String> enter(SandboxConfig cfg, SandboxInit init, String cwd, List<String> command) {
    List<String> argv = new ArrayList<>();
    argv.add(HostSystem.require("setsid", "util-linux"));
    argv.add("--");
    argv.addAll(command);
    return argv;
  }

  @Override
  public String hostDirectory(SandboxConfig cfg, String cwd) {
    return hostPath(cfg, cwd);
  }

  /** Maps a sandbox path to the host: {@code /home/tenki} and {@code /tmp} to the sandbox's own. */
  public static String hostPath(SandboxConfig cfg, String path) {
    for (String prefix : List.of("/home/tenki", "/tmp")) {
      if (path.equals(prefix) || path.startsWith(prefix + "/")) {
        return cfg.rootfs().toString() + path;
      }
    }
    return path;
  }
}
