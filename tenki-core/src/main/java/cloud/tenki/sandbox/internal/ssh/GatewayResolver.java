package cloud.tenki.sandbox.internal.ssh;

import cloud.tenki.sandbox.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/** Derives SSH gateway URLs the way the other Tenki SDKs do. */
public final class GatewayResolver {
  private GatewayResolver() {}

  /**
   * The gateway for an API base URL: host {@code api.X} or {@code app.X} becomes {@code
   * sandbox-gateway.X}, any other host gets {@code sandbox-gateway.} prefixed; scheme and port are
   * kept, the path dropped.
   */
  public static String derive(String apiBase) {
    URI u;
    try {
      u = new URI(apiBase);
    } catch (URISyntaxException e) {
      throw new ConfigurationException("cannot derive an SSH gateway from '" + apiBase + "'");
    }
    if (u.getHost() == null || u.getScheme() == null) {
      throw new ConfigurationException(
          "cannot derive an SSH gateway from '"
              + apiBase
              + "': set TENKI_SANDBOX_GATEWAY_URL or the builder's gatewayUrl");
    }
    String host = u.getHost();
    String lower = host.toLowerCase(Locale.ROOT);
    String gw =
        lower.startsWith("api.") || lower.startsWith("app.")
            ? "sandbox-gateway." + host.substring(4)
            : "sandbox-gateway." + host;
    return u.getScheme() + "://" + gw + (u.getPort() > 0 ? ":" + u.getPort() : "");
  }

  /** The WebSocket URL of one session's SSH transport on a gateway. */
  public static String webSocketUrl(String gateway, String sessionId) {
    String g = gateway.endsWith("/") ? gateway.substring(0, gateway.length() - 1) : gateway;
    String lower = g.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://")) {
      g = "wss://" + g.substring(8);
    } else if (lower.startsWith("http://")) {
      g = "ws://" + g.substring(7);
    } else if (!lower.startsWith("ws://") && !lower.startsWith("wss://")) {
      throw new ConfigurationException(
          "SSH gateway URL must start with https://, http://, wss:// or ws://, got '" + g + "'");
    }
    return g + "/v1/ssh/" + sessionId;
  }
}
