package cloud.tenki.mcp.tool;

import java.util.Locale;
import java.util.Optional;

/**
 * Log levels of MCP's {@code logging} utility (the syslog severities of RFC 5424), least severe
 * first.
 */
public enum LogLevel {
  DEBUG,
  INFO,
  NOTICE,
  WARNING,
  ERROR,
  CRITICAL,
  ALERT,
  EMERGENCY;

  /** The name on the wire, such as {@code "warning"}. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a message of this level passes a threshold. */
  public boolean atLeast(LogLevel threshold) {
    return compareTo(threshold) >= 0;
  }

  /** Parses a wire name; empty for anything else (the names are case-sensitive on the wire). */
  public static Optional<LogLevel> fromWireName(String name) {
    for (LogLevel level : values()) {
      if (level.wireName().equals(name)) {
        return Optional.of(level);
      }
    }
    return Optional.empty();
  }
}
