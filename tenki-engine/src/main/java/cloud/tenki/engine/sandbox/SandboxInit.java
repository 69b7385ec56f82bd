package cloud.tenki.engine.sandbox;

import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.TimeUnit;

/**
 * The long-lived first process of a running sandbox. Every command of the sandbox enters this
 * process's namespaces and root, so they all share one file system view, one process tree and one
 * network.
 *
 * <p>The engine holds the write end of the init's stdin; when the engine dies the pipe closes, the
 * init exits and the kernel kills everything left in the sandbox's pid namespace. Thread-safe.
 */
public final class SandboxInit {

  private final Process launcher;
  private final long targetPid;
  private final OutputStream keepAlive;
  private volatile Process network;

  SandboxInit(Process launcher, long targetPid) {
    this.launcher = launcher;
    this.targetPid = targetPid;
    this.keepAlive = launcher == null ? null : launcher.getOutputStream();
  }

  /** The host pid whose namespaces commands enter, or -1 without isolation. */
  public long targetPid() {
    return targetPid;
  }

  /** Host pid of the launcher process (bwrap or unshare), or -1. */
  public long launcherPid() {
    return launcher == null ? -1 : launcher.pid();
  }

  /** Connects the sandbox to the outside through {@link OutboundNetwork}. */
  void attachNetwork() throws IOException {
    network = OutboundNetwork.attach(targetPid);
  }

  /** Whether the sandbox's init still runs. */
  public boolean alive() {
    return launcher == null || launcher.isAlive();
  }

  /**
   * Kills the init and with it every process of the sandbox (killing a pid namespace's init kills
   * the namespace). Returns once the launcher has exited.
   */
  public void kill() {
    Process net = network;
    if (net != null) {
      net.destroyForcibly();
    }
    if (launcher == null) {
      return;
    }
    try {
      if (targetPid > 0) {
        ProcessHandle.of(targetPid).ifPresent(ProcessHandle::destroyForcibly);
        // the launcher reaps the init and exits by itself; killing it first would leave the init a
        // zombie of the host's pid 1, still counted against the sandbox uid's process limit
        launcher.waitFor(2, TimeUnit.SECONDS);
      }
      launcher.destroyForcibly();
      try {
        keepAlive.close();
      } catch (IOException e) {
        // already closed
      }
      launcher.waitFor();
    } catch (InterruptedException e) {
      launcher.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }
}
