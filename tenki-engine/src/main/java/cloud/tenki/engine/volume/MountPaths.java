package cloud.tenki.engine.volume;

import io.grpc.Status;
import java.util.List;

/** Checks where a volume may be mounted inside a sandbox. */
final class MountPaths {

  /** System trees a volume must not cover or sit in. */
  private static final List<String> RESERVED =
      List.of(
          "/proc", "/dev", "/sys", "/usr", "/etc", "/bin", "/sbin", "/lib", "/lib32", "/lib64",
          "/run");

  private MountPaths() {}

  /** The normalised absolute path, or INVALID_ARGUMENT naming {@code mount_path}. */
  static String check(String path) {
    if (path == null
        || !path.startsWith("/")
        || path.length() > 1024
        || path.equals("/")
        || path.endsWith("/")
        || path.contains("//")
        || path.contains("/./")
        || path.contains("/../")
        || path.endsWith("/.")
        || path.endsWith("/..")
        || path.chars().anyMatch(c -> c < 0x20 || c == 0x7f)) {
      throw Status.INVALID_ARGUMENT
          .withDescription("mount_path must be a normalised absolute path other than /")
          .asRuntimeException();
    }
    for (String r : RESERVED) {
      if (path.equals(r) || path.startsWith(r + "/")) {
        throw Status.INVALID_ARGUMENT
            .withDescription("mount_path must not be inside " + r)
            .asRuntimeException();
      }
    }
    return path;
  }

  /** Whether one path is the other or inside it. */
  static boolean overlap(String a, String b) {
    return a.equals(b) || a.startsWith(b + "/") || b.startsWith(a + "/");
  }
}
