package cloud.tenki.engine.sandbox;

import java.io.IOException;
import java.util.List;

/**
 * Starts sandboxes and builds the command line that runs a process inside one.
 *
 * <p>Implementations are stateless and thread-safe: {@link BwrapLauncher} (bubblewrap), {@link
 * UnshareLauncher} (util-linux only) and {@link NoIsolationLauncher} (explicit opt-in).
 */
public interface Launcher {

  /** Short name reported to users: {@code bwrap}, {@code unshare} or {@code none}. */
  String name();

  /** Starts the sandbox's init and returns once commands can enter it. */
  SandboxInit start(SandboxConfig cfg) throws IOException;

  /**
   * The argv that runs {@code command} inside a started sandbox with working directory {@code cwd}
   * (an absolute path as the sandbox sees it), as user {@code tenki}, as the leader of a new
   * session and process group. The result still needs {@link LaunchWrapper}.
   */
  List<String> enter(SandboxConfig cfg, SandboxInit init, String cwd, List<String> command);

  /** The uid (and gid) of user {@code tenki} inside sandboxes started by this launcher. */
  default int sandboxUid() {
    return 1000;
  }

  /** The working directory the host-side process should start in. */
  default String hostDirectory(SandboxConfig cfg, String cwd) {
    return "/";
  }
}
