package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.internal.dataplane.SandboxPaths;
import java.util.Collection;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns backend errors into short messages a model can act on, and keeps what the model must not
 * see out of them: sandbox ids, tokens and credentials, host paths, request ids and stack traces.
 */
final class Messages {
  private Messages() {}

  private static final int MAX_REASON = 300;

  private static final Pattern SDK_MESSAGE =
      Pattern.compile("^.*? (?:failed|refused) \\(([a-z_]+)(?:, HTTP \\d+)?\\)(?:: (.*))?$");
  private static final Pattern REQUEST_ID = Pattern.compile(" ?\\(request id [^)]*\\)");
  private static final Pattern UUID =
      Pattern.compile(
          "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}");

  /**
   * Bearer values, API keys and long opaque strings (letters and digits, no '/', so that path
   * segments of ordinary names survive).
   */
  private static final Pattern TOKEN =
      Pattern.compile(
          "(?i)(bearer\\s+\\S+|\\btk_[A-Za-z0-9_-]+|\\b(?=[A-Za-z0-9+_=-]*\\d)"
              + "(?=[A-Za-z0-9+_=-]*[A-Za-z])[A-Za-z0-9+_=-]{32,})");

  /** Host paths that can show up in backend messages: the engine's state, temp and home dirs. */
  private static final Pattern HOST_PATH =
      Pattern.compile(
          "(/[^\\s:'\"]*/(?:sandboxes|rootfs|tenki-engine[^/\\s]*|tenki-fake-[^/\\s]*)(?:/[^\\s:'\"]*)?)");

  /**
   * A single line without ids, secrets or host paths, at most a few hundred characters.
   *
   * @param secrets exact strings to hide (the ids of sandboxes this toolkit created)
   */
  static String scrub(String text, Collection<String> secrets) {
    if (text == null || text.isBlank()) {
      return "";
    }
    String s = text.strip();
    int newline = s.indexOf('\n');
    if (newline >= 0) {
      s = s.substring(0, newline).strip();
    }
    for (String secret : secrets) {
      if (secret != null && !secret.isEmpty()) {
        s = s.replace(secret, "<sandbox>");
      }
    }
    s = REQUEST_ID.matcher(s).replaceAll("");
    s = UUID.matcher(s).replaceAll("<id>");
    s = HOST_PATH.matcher(s).replaceAll(m -> Matcher.quoteReplacement(sandboxView(m.group(1))));
    s = TOKEN.matcher(s).replaceAll("<redacted>");
    for (String hostDir : HOST_DIRS) {
      if (hostDir.length() > 1 && !SANDBOX_DIRS.contains(hostDir.replaceAll("/+$", ""))) {
        s = s.replace(hostDir, "<host>");
      }
    }
    if (s.length() > MAX_REASON) {
      s = s.substring(0, MAX_REASON) + "...";
    }
    return s;
  }

  private static final String[] HOST_DIRS = {
    System.getProperty("java.io.tmpdir", ""),
    System.getProperty("user.home", ""),
    System.getProperty("user.dir", "")
  };

  /** Directories a sandbox has too: never mistaken for host paths. */
  private static final java.util.Set<String> SANDBOX_DIRS =
      java.util.Set.of("/tmp", "/var/tmp", "/home", "/home/tenki", "/usr", "/etc", "/var", "/run");

  /** A host path into a sandbox's tree becomes the path the sandbox sees, else a placeholder. */
  private static String sandboxView(String hostPath) {
    int root = hostPath.indexOf("/rootfs/");
    if (root >= 0) {
      return hostPath.substring(root + "/rootfs".length());
    }
    return "<host path>";
  }

  /** Why a backend call failed, in the backend's words, scrubbed. */
  static String reason(TenkiException e, Collection<String> secrets) {
    String m = e.getMessage() == null ? "" : REQUEST_ID.matcher(e.getMessage()).replaceAll("");
    Matcher sdk = SDK_MESSAGE.matcher(m.strip());
    if (sdk.matches()) {
      m = sdk.group(2) != null ? sdk.group(2) : sdk.group(1).replace('_', ' ');
    }
    String s = scrub(m, secrets);
    return s.isEmpty() ? e.code().replace('_', ' ') : s;
  }

  /**
   * "Could not {what}: {reason}. {advice}" for a backend failure; {@code canRestart} says whether
   * the model has restart_sandbox to end runaway processes with.
   */
  static String backendFailure(
      String what, TenkiException e, Collection<String> secrets, boolean canRestart) {
    String reason = reason(e, secrets);
    // a file the sandbox user may not read or write, as opposed to a refused credential
    boolean fileMode =
        e.code().equals("permission_denied") && reason.contains(SandboxPaths.HOME + "/");
    String advice =
        fileMode
            ? " The sandbox's user (tenki) lacks permission there; check it with ls -l and change"
                + " it with chmod if it is yours."
            : switch (e.code()) {
              case "unavailable", "deadline_exceeded" ->
                  " The sandbox service did not answer in time; try again in a moment.";
              case "resource_exhausted" ->
                  reason.contains("process limit")
                      ? processLimitAdvice(canRestart)
                      : " A resource limit was hit (disk, memory, processes or the backend's"
                          + " capacity); free some space or try again later.";
              case "unauthenticated", "permission_denied" ->
                  " The sandbox service refused the request; this is a configuration problem the"
                      + " user must fix.";
              default -> "";
            };
    return "Could not " + what + ": " + sentence(reason) + advice;
  }

  /** What to do when the sandbox's processes use up its process limit. */
  static String processLimitAdvice(boolean canRestart) {
    return " Processes still running in the sandbox (a fork loop, servers or jobs started with &)"
        + " take up its process limit; "
        + (canRestart
            ? "call restart_sandbox to end them all (files stay)."
            : "they end when the sandbox is paused or replaced.");
  }

  private static String sentence(String s) {
    return s.endsWith(".") ? s : s + ".";
  }

  /** Seconds as a short human duration: "45 s", "2 min", "1 h 30 min". */
  static String duration(long seconds) {
    if (seconds < 120) {
      return seconds + " s";
    }
    long minutes = Math.round(seconds / 60.0);
    if (minutes < 120) {
      return minutes + " min";
    }
    return (minutes / 60) + " h" + (minutes % 60 == 0 ? "" : " " + (minutes % 60) + " min");
  }

  /** A count with its noun: "1 line", "0 lines", "12 lines". */
  static String count(long n, String singular) {
    return n + " " + singular + (n == 1 ? "" : "s");
  }

  /** Bytes as a short human size: "512 bytes", "12.3 KiB", "64.0 MiB". */
  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + (bytes == 1 ? " byte" : " bytes");
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    if (bytes < 1024L * 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
    }
    return String.format(Locale.ROOT, "%.2f GiB", bytes / (1024.0 * 1024 * 1024));
  }
}
