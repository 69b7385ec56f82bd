package cloud.tenki.mcp.config;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Objects;

/**
 * A credential that never shows itself: {@link #toString()} is masked, so a secret inside a
 * configuration record cannot leak through logs or error messages. {@link #matches} compares in
 * constant time. Immutable.
 */
public final class Secret {

  private final String value;

  private Secret(String value) {
    this.value = value;
  }

  /** Wraps a non-blank value (surrounding whitespace, such as a file's newline, is dropped). */
  public static Secret of(String value) {
    Objects.requireNonNull(value, "value");
    String trimmed = value.strip();
    if (trimmed.isEmpty()) {
      throw new IllegalArgumentException("a secret must not be blank");
    }
    return new Secret(trimmed);
  }

  /** The value itself, for the one place that sends it. */
  public String reveal() {
    return value;
  }

  /**
   * Whether {@code candidate} equals this secret, in time that depends on neither value (both are
   * hashed first, so even the length does not leak).
   */
  public boolean matches(String candidate) {
    if (candidate == null) {
      return false;
    }
    return MessageDigest.isEqual(sha256(value), sha256(candidate));
  }

  private static byte[] sha256(String text) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  @Override
  public String toString() {
    return "****";
  }
}
