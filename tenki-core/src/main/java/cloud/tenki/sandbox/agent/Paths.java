package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.internal.dataplane.SandboxPaths;

/**
 * Path arguments: resolved against /home/tenki, escapes rejected with a message naming the field. A
 * leading {@code ~} is the home directory, as in a shell: models write {@code ~/project/app.py} as
 * often as {@code project/app.py}, and a folder literally named {@code ~} is never what they mean
 * ({@code ./~} still names one).
 */
final class Paths {
  private Paths() {}

  /** The absolute sandbox path argument {@code field} names. */
  static String resolve(ToolArgs a, String field, String fallback) {
    String raw = a.string(field, fallback);
    try {
      return resolve(raw);
    } catch (IllegalArgumentException e) {
      throw a.invalid(
          "`"
              + field
              + "` must be a path inside /home/tenki (relative paths start there), got \""
              + raw
              + "\"");
    }
  }

  /**
   * {@code raw} resolved against /home/tenki, with a leading {@code ~} for the home directory.
   *
   * @throws IllegalArgumentException when it is empty, has a NUL or leads outside /home/tenki
   */
  static String resolve(String raw) {
    if (raw.equals("~") || raw.startsWith("~/")) {
      return SandboxPaths.resolve(SandboxPaths.HOME + raw.substring(1));
    }
    return SandboxPaths.resolve(raw);
  }
}
