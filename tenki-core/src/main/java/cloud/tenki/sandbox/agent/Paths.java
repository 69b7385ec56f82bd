package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.internal.dataplane.SandboxPaths;

/**
 * Path arguments: resolved against /home/tenki, escapes rejected with a message naming the field.
 */
final class Paths {
  private Paths() {}

  /** The absolute sandbox path argument {@code field} names. */
  static String resolve(ToolArgs a, String field, String fallback) {
    String raw = a.string(field, fallback);
    try {
      return SandboxPaths.resolve(raw);
    } catch (IllegalArgumentException e) {
      throw a.invalid(
          "`"
              + field
              + "` must be a path inside /home/tenki (relative paths start there), got \""
              + raw
              + "\"");
    }
  }
}
