package cloud.tenki.mcp.config;

import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The Streamable HTTP endpoint.
 *
 * @param host address to bind; a non-loopback address requires {@code bearerToken}
 * @param port TCP port (0 picks a free one)
 * @param path the MCP endpoint path, such as {@code /mcp}
 * @param bearerToken token every request must present, or {@code null} (loopback only)
 * @param allowedHosts accepted {@code Host} names (any port), lower case; {@code *} accepts any
 * @param allowedOrigins accepted {@code Origin} values ({@code scheme://host[:port]}, or {@code
 *     scheme://host} for any port); {@code *} accepts any
 * @param sessionIdleTimeout a session without requests this long is ended
 * @param maxSessions sessions alive at once
 */
public record HttpSettings(
    String host,
    int port,
    String path,
    Secret bearerToken,
    List<String> allowedHosts,
    List<String> allowedOrigins,
    Duration sessionIdleTimeout,
    int maxSessions) {

  public HttpSettings {
    if (host == null || host.isBlank()) {
      throw new IllegalArgumentException("host must not be blank");
    }
    Checks.range(port, 0, 65535, "port");
    if (path == null || !path.startsWith("/") || path.contains("?") || path.contains("#")) {
      throw new IllegalArgumentException("path must start with / (such as /mcp) but was " + path);
    }
    allowedHosts = List.copyOf(Objects.requireNonNull(allowedHosts, "allowedHosts"));
    allowedOrigins = List.copyOf(Objects.requireNonNull(allowedOrigins, "allowedOrigins"));
    Checks.positive(sessionIdleTimeout, "session idle timeout");
    Checks.range(maxSessions, 1, 100_000, "max sessions");
  }
}
