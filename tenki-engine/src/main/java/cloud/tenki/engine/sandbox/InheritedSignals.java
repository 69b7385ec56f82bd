package cloud.tenki.engine.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps signals the engine itself ignores or blocks from being ignored or blocked in its sandboxes.
 *
 * <p>An ignored signal stays ignored across fork and exec, and a shell started with a signal
 * ignored cannot undo it. An engine started by {@code nohup} (SIGHUP), or in the background of a
 * non-interactive shell (SIGINT and SIGQUIT), would otherwise pass that on to every sandboxed
 * command, which would then shrug off the very signals a client sends it.
 *
 * <p>A blocked signal is passed on the same way, through the signal mask of the thread that starts
 * the process, and no shell can unblock it either. HotSpot blocks SIGQUIT in every Java thread (it
 * keeps the signal for its thread dumps), so without a reset every sandboxed process would hold
 * SIGQUIT pending forever: {@code kill -QUIT} would do nothing, and programs that stop gracefully
 * on it ({@code nginx -s quit}, php-fpm, gunicorn) would never stop.
 *
 * <p>When the engine finds any standard signal ignored or blocked, each launch chain resets every
 * signal to its default and unblocks it through {@code env --default-signal}, one step before the
 * chain enters the sandbox; otherwise the chain stays as it is and costs nothing more.
 *
 * <p>The engine's dispositions cannot change while it runs (Java has no way to ignore a signal),
 * and every Java thread has the same mask, so both are read once. Public for anything else in this
 * JVM that starts commands standing in for a sandbox (a test fake of the cloud). Thread-safe.
 */
public final class InheritedSignals {

  private static final Logger LOG = LoggerFactory.getLogger(InheritedSignals.class);

  /** Bits of signals 1 to 31 in a {@code SigIgn} mask (bit n-1 is signal n). */
  static final long STANDARD_SIGNALS = 0x7FFF_FFFFL;

  private InheritedSignals() {}

  /** What a launch chain runs its next step under: empty, or {@code env --default-signal}. */
  public static List<String> resetPrefix() {
    return Holder.PREFIX;
  }

  /**
   * The standard signals ignored according to a {@code /proc/<pid>/status} text, as a mask (bit n-1
   * for signal n); 0 when the text has no {@code SigIgn} line.
   */
  static long ignoredStandardSignals(String status) {
    return standardSignals(status, "SigIgn:");
  }

  /**
   * The standard signals blocked according to a {@code /proc/<pid>/task/<tid>/status} text, as a
   * mask; 0 when the text has no {@code SigBlk} line.
   */
  static long blockedStandardSignals(String status) {
    return standardSignals(status, "SigBlk:");
  }

  private static long standardSignals(String status, String field) {
    for (String line : status.split("\n")) {
      if (line.startsWith(field)) {
        return Long.parseUnsignedLong(line.substring(field.length()).trim(), 16) & STANDARD_SIGNALS;
      }
    }
    return 0;
  }

  private static List<String> compute() {
    long ignored = read("/proc/self/status", InheritedSignals::ignoredStandardSignals);
    // the mask is per thread; /proc/self/status shows the main thread's, which the java launcher
    // may have left unmasked, while every thread that starts processes is a Java one
    long blocked = read("/proc/thread-self/status", InheritedSignals::blockedStandardSignals);
    if (ignored == 0 && blocked == 0) {
      return List.of();
    }
    String env = HostSystem.which("env").map(Path::toString).orElse(null);
    if (env == null || !HostSystem.runQuietly(List.of(env, "--default-signal", "true"))) {
      LOG.warn(
          "the engine ignores (mask {}) or blocks (mask {}) signals and this host's env cannot"
              + " reset them (coreutils 8.31 or later can): sandboxed commands ignore or block them"
              + " too",
          Long.toHexString(ignored),
          Long.toHexString(blocked));
      return List.of();
    }
    LOG.debug(
        "the engine ignores (mask {}) or blocks (mask {}) signals; sandboxes start with defaults",
        Long.toHexString(ignored),
        Long.toHexString(blocked));
    return List.of(env, "--default-signal");
  }

  private static long read(String file, java.util.function.ToLongFunction<String> mask) {
    try {
      return mask.applyAsLong(Files.readString(Path.of(file)));
    } catch (IOException | RuntimeException e) {
      return 0;
    }
  }

  /** Reads the dispositions on first use, not when the class is merely loaded. */
  private static final class Holder {
    static final List<String> PREFIX = compute();
  }
}
