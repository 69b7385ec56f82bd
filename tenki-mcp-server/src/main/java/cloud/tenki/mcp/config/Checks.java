package cloud.tenki.mcp.config;

import java.time.Duration;

/** Validation helpers whose messages name the setting. */
final class Checks {

  private Checks() {}

  static void range(long value, long min, long max, String name) {
    if (value < min || value > max) {
      throw new IllegalArgumentException(
          name + " must be between " + min + " and " + max + " but was " + value);
    }
  }

  static void positive(Duration value, String name) {
    if (value == null || value.isZero() || value.isNegative()) {
      throw new IllegalArgumentException(name + " must be a positive duration but was " + value);
    }
  }
}
