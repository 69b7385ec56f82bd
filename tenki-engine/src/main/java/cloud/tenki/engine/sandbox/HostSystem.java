package cloud.tenki.engine.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.TimeUnit;

/**
 * Facts about the host the engine runs on: its user, the tools it has, its processes.
 *
 * <p>Stateless and thread-safe. Everything here reads {@code /proc} or the file system; nothing is
 * cached so that tests may change the environment between engines.
 */
public final class HostSystem {

  private static final List<String> SEARCH_PATH =
      List.of("/usr/bin", "/bin", "/usr/sbin", "/sbin", "/usr/local/bin");

  private HostSystem() {}

  /** The engine's effective user id, read from {@code /proc/self/status} once. */
  public static int effectiveUid() {
    return Ids.UID;
  }

  /** The engine's effective group id. */
  public static int effectiveGid() {
    return Ids.GID;
  }

  /** A JVM cannot change its own ids, and launches ask for them (through isRoot) every time. */
  private static final class Ids {
    static final int UID = statusIds("Uid:", 1);
    static final int GID = statusIds("Gid:", 1);
  }

  /** Whether the engine runs as the host's root user. */
  public static boolean isRoot() {
    return effectiveUid() == 0;
  }

  private static int statusIds(String key, int index) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
        if (line.startsWith(key)) {
          return Integer.parseInt(line.substring(key.length()).trim().split("\\s+")[index]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // fall through: an unreadable /proc means we cannot be sure, so assume unprivileged
    }
    return -1;
  }

  /** Finds an executable by name in the standard system directories (not the user's PATH). */
  public static Optional<Path> which(String name) {
    for (String dir : SEARCH_PATH) {
      Path p = Path.of(dir, name);
      if (Files.isRegularFile(p) && Files.isExecutable(p)) {
        return Optional.of(p);
      }
    }
    return Optional.empty();
  }

  /** Like {@link #which} but fails with a message saying what to install. */
  public static String require(String name, String packageHint) {
    return which(name)
        .map(Path::toString)
        .orElseThrow(
            () ->
                new IllegalStateException(
                    "'" + name + "' was not found in /usr/bin or /bin; install " + packageHint));
  }

  /** The pid of {@code hostPid} as seen inside its own pid namespace (last NSpid entry). */
  public static long namespacePid(long hostPid) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc/" + hostPid + "/status"))) {
        if (line.startsWith("NSpid:")) {
          String[] parts = line.substring(6).trim().split("\\s+");
          return Long.parseLong(parts[parts.length - 1]);
        }
      }
    } catch (IOException | RuntimeException e) {
      // the process is gone or /proc is restricted
    }
    return hostPid;
  }

  /**
   * Finds a child of {@code parent} among the next few pids. The kernel hands out pids in order, so
   * a freshly forked child is almost always just above its parent; checking a handful of {@code
   * /proc/N/stat} files is much cheaper than scanning every process. Returns -1 when not found (the
   * caller then scans).
   */
  public static long childNear(long parent) {
    for (long pid = parent + 1; pid <= parent + 16; pid++) {
      // a pid that is free (the usual case for some of them) costs a stat, not an exception
      if (!new java.io.File("/proc/" + pid).exists()) {
        continue;
      }
      try {
        String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
        // the ppid is the second field after the parenthesised command name
        String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 3);
        if (Long.parseLong(f[1]) == parent) {
          return pid;
        }
      } catch (IOException | RuntimeException e) {
        // no such process: keep looking
      }
    }
    return -1;
  }

  /**
   * Whether {@code pid} leads its own process group yet (a freshly forked child calls setsid a
   * moment after it appears). False when the process is gone.
   */
  public static boolean isGroupLeader(long pid) {
    try {
      String stat = Files.readString(Path.of("/proc/" + pid + "/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ", 4);
      return Long.parseLong(f[2]) == pid;
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  /** The resident set size of a process in bytes, or 0 if it is gone. */
  public static long rssBytes(long hostPid) {
    try {
      String statm = Files.readString(Path.of("/proc/" + hostPid + "/statm"));
      return Long.parseLong(statm.trim().split("\\s+")[1]) * 4096L;
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /**
   * Sends a signal to a whole process group with the host's {@code kill}. Java has no killpg, and a
   * group is the unit the wire contract signals.
   */
  public static boolean killGroup(long pgid, String signal) {
    return runQuietly(
        List.of(require("kill", "procps or util-linux"), "-s", signal, "--", "-" + pgid));
  }

  /** Sends a signal to one process. */
  public static boolean kill(long pid, String signal) {
    return runQuietly(
        List.of(require("kill", "procps or util-linux"), "-s", signal, "--", "" + pid));
  }

  /** Runs a short host command, discarding output; true when it exits 0 within 10 s. */
  public static boolean runQuietly(List<String> argv) {
    try {
      Process p =
          new ProcessBuilder(argv)
              .redirectErrorStream(true)
              .redirectOutput(ProcessBuilder.Redirect.DISCARD)
              .start();
      p.getOutputStream().close();
      if (!p.waitFor(10, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return false;
      }
      return p.exitValue() == 0;
    } catch (IOException e) {
      return false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
  }

  /** Runs a short host command and returns its stdout and stderr together, or an error text. */
  public static String runForOutput(List<String> argv) {
    try {
      Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
      p.getOutputStream().close();
      byte[] out = p.getInputStream().readNBytes(64 * 1024);
      p.waitFor(10, TimeUnit.SECONDS);
      return new String(out, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return e.getMessage();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return "interrupted";
    }
  }

  /**
   * Ends a process started through {@code nsenter} (or a chain that execs it) and everything it
   * runs inside the sandbox: the inside first; then {@code nsenter}, which reaps its child and
   * exits by itself, gets up to {@code graceMillis} to do so before it is killed too. Killing
   * {@code nsenter} first hands its child, a process of the sandbox's pid namespace, to the host's
   * init, which reaps it when it gets round to it; the namespace, and so stopping the sandbox,
   * waits for that (1 to 2 s on a host whose init reaps lazily).
   */
  public static void killEntered(Process p, long graceMillis) {
    p.descendants().forEach(ProcessHandle::destroyForcibly);
    try {
      if (p.waitFor(graceMillis, java.util.concurrent.TimeUnit.MILLISECONDS)) {
        return;
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    p.destroyForcibly();
  }

  /** How long {@link #killEntered} waits for nsenter by default. */
  public static final long ENTERED_GRACE_MS = 1000;

  /** Every process that descends from {@code pid}, deepest last. */
  public static List<ProcessHandle> descendants(long pid) {
    List<ProcessHandle> all = new ArrayList<>();
    ProcessHandle.of(pid).ifPresent(h -> h.descendants().forEach(all::add));
    return all;
  }
}
