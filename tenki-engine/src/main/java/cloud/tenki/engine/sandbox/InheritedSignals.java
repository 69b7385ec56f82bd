package cloud.tenki.engine.sandbox;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps signals the engine itself ignores from being ignored in its sandboxes.
 *
 * <p>An ignored signal stays ignored across fork and exec, and a shell started with a signal
 * ignored cannot undo it. An engine started by {@code nohup} (SIGHUP), or in the background of a
 * non-interactive shell (SIGINT and SIGQUIT), would otherwise pass that on to every sandboxed
 * command, which would then shrug off the very signals a client sends it. When the engine finds any
 * standard signal ignored, each launch chain resets every signal to its default through {@code env
 * --default-signal}; otherwise the chain stays as it is and costs nothing more.
 *
 * <p>The engine's dispositions cannot change while it runs (Java has no way to ignore a signal), so
 * they are read once. Public for anything else in this JVM that starts commands standing in for a
 * sandbox (a test fake of the cloud). Thread-safe.
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
    for (String line : status.split("\n")) {
      if (line.startsWith("SigIgn:")) {
        return Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16)
            & STANDARD_SIGNALS;
      }
    }
    return 0;
  }

  private static List<String> compute() {
    long ignored;
    try {
      ignored = ignoredStandardSignals(Files.readString(Path.of("/proc/self/status")));
    } catch (IOException | RuntimeException e) {
      return List.of();
    }
    if (ignored == 0) {
      return List.of();
    }
    String env = HostSystem.which("env").map(Path::toString).orElse(null);
    if (env == null || !HostSystem.runQuietly(List.of(env, "--default-signal", "true"))) {
      LOG.warn(
          "the engine was started with signals ignored (mask {}) and this host's env cannot reset"
              + " them (coreutils 8.31 or later can): sandboxed commands ignore them too",
          Long.toHexString(ignored));
      return List.of();
    }
    LOG.debug("the engine ignores signals (mask {}); sandboxes start with defaults", ignored);
    return List.of(env, "--default-signal");
  }

  /** Reads the dispositions on first use, not when the class is merely loaded. */
  private static final class Holder {
    static final List<String> PREFIX = compute();
  }
}
