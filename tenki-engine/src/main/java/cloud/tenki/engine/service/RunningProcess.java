package cloud.tenki.engine.service;

import cloud.tenki.engine.sandbox.HostSystem;
import java.util.Optional;
import java.util.concurrent.locks.LockSupport;

/**
 * A command started in a sandbox and the process group it leads.
 *
 * <p>Inside a namespace sandbox the host-side process is nsenter, and the command is its only
 * child, leading its own session and process group; without isolation the host-side process is the
 * command itself. Signals go to the command's whole group, never to nsenter, so the exit status
 * nsenter relays is the command's own. Thread-safe.
 */
public final class RunningProcess {

  private final Process process;
  private final boolean direct;
  private volatile long commandPid = -1;

  public RunningProcess(Process process, boolean direct) {
    this.process = process;
    this.direct = direct;
  }

  public Process process() {
    return process;
  }

  /** The command's host pid (also its process group id), waiting briefly for the fork. */
  long commandPid(long waitMs) {
    long pid = commandPid;
    if (pid > 0) {
      return pid;
    }
    if (direct) {
      commandPid = process.pid();
      return commandPid;
    }
    long deadline = System.nanoTime() + waitMs * 1_000_000L;
    while (true) {
      long guess = HostSystem.childNear(process.pid());
      if (guess > 0) {
        commandPid = guess;
        return guess;
      }
      Optional<ProcessHandle> child =
          ProcessHandle.of(process.pid()).flatMap(h -> h.children().findFirst());
      if (child.isPresent()) {
        commandPid = child.get().pid();
        return commandPid;
      }
      if (!process.isAlive() || System.nanoTime() > deadline) {
        return -1;
      }
      LockSupport.parkNanos(200_000);
    }
  }

  /** The pid the sandbox itself shows for the command. */
  long sandboxPid() {
    long pid = commandPid(1000);
    return pid > 0 ? HostSystem.namespacePid(pid) : process.pid();
  }

  /** Signals the command's process group (names like {@code TERM}, {@code KILL}). */
  public void signalGroup(String signal) {
    long pid = commandPid(2000);
    if (pid <= 0) {
      return;
    }
    // a signal that arrives right after the start may find the command before its setsid: wait
    // until it leads its group, so the signal reaches the group and is not lost
    long deadline = System.nanoTime() + 2_000_000_000L;
    while (!direct
        && !HostSystem.isGroupLeader(pid)
        && process.isAlive()
        && System.nanoTime() < deadline) {
      LockSupport.parkNanos(100_000);
    }
    if (!HostSystem.killGroup(pid, signal)) {
      HostSystem.kill(pid, signal);
    }
  }

  /** Kills a command's whole group. */
  static void killTree(Process p, boolean direct) {
    new RunningProcess(p, direct).signalGroup("KILL");
  }
}
