package cloud.tenki.sandbox.internal.dataplane;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Resolves user paths against the sandbox workdir and rejects escapes before anything is sent.
 * Symlinks are the server's to contain: this only normalises the text of the path.
 */
public final class SandboxPaths {
  public static final String HOME = "/home/tenki";

  private SandboxPaths() {}

  /**
   * The absolute path inside {@link #HOME} that {@code path} names.
   *
   * @throws IllegalArgumentException naming the path if it is empty, holds a NUL byte, is absolute
   *     outside the workdir, or climbs out of it with {@code ..}
   */
  public static String resolve(String path) {
    if (path == null || path.isEmpty()) {
      throw new IllegalArgumentException("path must not be empty");
    }
    if (path.indexOf('\0') >= 0) {
      throw new IllegalArgumentException("path '" + path.replace('\0', '?') + "' has a NUL byte");
    }
    String rel;
    if (path.startsWith("/")) {
      if (!path.equals(HOME) && !path.startsWith(HOME + "/")) {
        throw new IllegalArgumentException(
            "path '" + path + "' is outside the sandbox workdir " + HOME);
      }
      rel = path.substring(HOME.length());
    } else {
      rel = path;
    }
    Deque<String> parts = new ArrayDeque<>();
    for (String seg : rel.split("/")) {
      if (seg.isEmpty() || seg.equals(".")) {
        continue;
      }
      if (seg.equals("..")) {
        if (parts.isEmpty()) {
          throw new IllegalArgumentException(
              "path '" + path + "' escapes the sandbox workdir " + HOME + " with '..'");
        }
        parts.removeLast();
      } else {
        parts.addLast(seg);
      }
    }
    return parts.isEmpty() ? HOME : HOME + "/" + String.join("/", parts);
  }
}
