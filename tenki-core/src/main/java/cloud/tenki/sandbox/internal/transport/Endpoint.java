package cloud.tenki.sandbox.internal.transport;

import cloud.tenki.sandbox.ConfigurationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * A parsed gRPC target: TLS or plaintext host and port, an in-process server name, or the embedded
 * local engine.
 *
 * @param kind how to connect
 * @param host host name or in-process server name
 * @param port TCP port (0 for in-process and local)
 * @param base the URL as given, without a trailing slash (Connect calls use it as their base)
 */
public record Endpoint(Kind kind, String host, int port, String base) {
  public static final String LOCAL = "local";

  /** How to reach an endpoint. */
  public enum Kind {
    TLS,
    PLAINTEXT,
    IN_PROCESS,
    LOCAL
  }

  /** Parses an API base URL: {@code https://}, {@code http://}, {@code inprocess://} or local. */
  public static Endpoint parseApi(String url) {
    String s = url.trim();
    if (s.equalsIgnoreCase(LOCAL)) {
      return new Endpoint(Kind.LOCAL, LOCAL, 0, LOCAL);
    }
    if (!s.contains("://")) {
      throw new ConfigurationException(
          "endpoint must be an https://, http:// or inprocess:// URL or 'local', got '" + s + "'");
    }
    return parseUrl(s);
  }

  /**
   * Parses a data-plane endpoint as the server returns it: a URL, or a bare {@code host:port} that
   * uses TLS unless the control plane itself is plaintext.
   */
  public static Endpoint parseDataPlane(String value, Endpoint control) {
    String s = value.trim();
    if (s.contains("://")) {
      return parseUrl(s);
    }
    Kind kind = control.kind() == Kind.PLAINTEXT ? Kind.PLAINTEXT : Kind.TLS;
    URI uri = uri("//" + s);
    if (uri.getHost() == null) {
      throw new ConfigurationException("unusable data plane endpoint '" + s + "'");
    }
    int port = uri.getPort() > 0 ? uri.getPort() : kind == Kind.TLS ? 443 : 80;
    String scheme = kind == Kind.TLS ? "https://" : "http://";
    return new Endpoint(kind, uri.getHost(), port, scheme + s);
  }

  private static Endpoint parseUrl(String s) {
    String trimmed = s.endsWith("/") ? s.substring(0, s.length() - 1) : s;
    String scheme = trimmed.substring(0, trimmed.indexOf("://")).toLowerCase(Locale.ROOT);
    switch (scheme) {
      case "inprocess":
        String name = trimmed.substring("inprocess://".length());
        if (name.isEmpty()) {
          throw new ConfigurationException("inprocess:// endpoint needs a server name");
        }
        return new Endpoint(Kind.IN_PROCESS, name, 0, trimmed);
      case "https":
      case "http":
        URI uri = uri(trimmed);
        if (uri.getHost() == null) {
          throw new ConfigurationException("endpoint '" + s + "' has no host");
        }
        boolean tls = scheme.equals("https");
        int port = uri.getPort() > 0 ? uri.getPort() : tls ? 443 : 80;
        return new Endpoint(tls ? Kind.TLS : Kind.PLAINTEXT, uri.getHost(), port, trimmed);
      default:
        throw new ConfigurationException(
            "unsupported endpoint scheme '" + scheme + "' (use https, http or inprocess)");
    }
  }

  private static URI uri(String s) {
    try {
      return new URI(s);
    } catch (URISyntaxException e) {
      throw new ConfigurationException("invalid endpoint '" + s + "': " + e.getReason());
    }
  }

  /** Whether this reaches an engine on this machine, where no real token is needed. */
  public boolean isLocal() {
    return switch (kind) {
      case LOCAL, IN_PROCESS -> true;
      case PLAINTEXT -> isLoopbackHost(host);
      case TLS -> false;
    };
  }

  /** Whether HTTP (Connect, WebSocket) can reach this endpoint. */
  public boolean isHttp() {
    return kind == Kind.TLS || kind == Kind.PLAINTEXT;
  }

  static boolean isLoopbackHost(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    return h.equals("localhost")
        || h.startsWith("127.")
        || h.equals("::1")
        || h.equals("[::1]")
        || h.equals("0:0:0:0:0:0:0:1");
  }

  /** A key identifying the channel that serves this endpoint. */
  public String channelKey() {
    return kind + ":" + host + ":" + port;
  }
}
