package cloud.tenki.mcp.http;

import cloud.tenki.mcp.config.HttpSettings;
import cloud.tenki.mcp.config.Secret;
import java.net.URI;
import java.net.URISyntaxException;
import java.util.List;
import java.util.Locale;

/**
 * The checks every HTTP request passes before it reaches a session: DNS-rebinding protection on
 * {@code Host} and {@code Origin}, and the bearer token when one is configured. Immutable and
 * thread-safe.
 *
 * <p>A browser tricked by DNS rebinding sends the attacker's host name in {@code Host} and the
 * attacker's page in {@code Origin}; both must be on the allow-lists (loopback names by default,
 * any port). Requests without {@code Origin} come from non-browser clients and pass that check.
 */
final class RequestGuard {

  /** Outcome of a check: status 0 means allowed, else the HTTP status to answer with. */
  record Verdict(int status, String reason) {
    static final Verdict ALLOW = new Verdict(0, null);

    boolean allowed() {
      return status == 0;
    }
  }

  private final List<String> allowedHosts;
  private final List<String> allowedOrigins;
  private final Secret token;

  RequestGuard(HttpSettings settings) {
    this.allowedHosts = settings.allowedHosts();
    this.allowedOrigins = settings.allowedOrigins();
    this.token = settings.bearerToken();
  }

  Verdict check(String host, String origin, String authorization) {
    if (!hostAllowed(host)) {
      return new Verdict(403, "Forbidden: Host header not allowed");
    }
    if (origin != null && !originAllowed(origin)) {
      return new Verdict(403, "Forbidden: Origin not allowed");
    }
    if (token != null && !tokenMatches(authorization)) {
      return new Verdict(401, "Unauthorized: a valid bearer token is required");
    }
    return Verdict.ALLOW;
  }

  /** Whether a present {@code Origin} is allowed (for CORS headers). */
  boolean originAllowed(String origin) {
    if (allowedOrigins.contains("*")) {
      return true;
    }
    URI uri;
    try {
      uri = new URI(origin.strip().toLowerCase(Locale.ROOT));
    } catch (URISyntaxException e) {
      return false;
    }
    if (uri.getScheme() == null || uri.getHost() == null) {
      return false; // includes the opaque origin "null"
    }
    String withoutPort = uri.getScheme() + "://" + uri.getHost();
    String withPort = uri.getPort() < 0 ? withoutPort : withoutPort + ":" + uri.getPort();
    return allowedOrigins.contains(withoutPort) || allowedOrigins.contains(withPort);
  }

  private boolean hostAllowed(String host) {
    if (allowedHosts.contains("*")) {
      return true;
    }
    if (host == null || host.isBlank()) {
      return false;
    }
    return allowedHosts.contains(hostName(host.strip().toLowerCase(Locale.ROOT)));
  }

  /** The name part of a Host header: {@code [::1]:80} gives {@code [::1]}, {@code a:80} gives a. */
  static String hostName(String host) {
    if (host.startsWith("[")) {
      int end = host.indexOf(']');
      return end < 0 ? host : host.substring(0, end + 1);
    }
    int colon = host.indexOf(':');
    return colon < 0 ? host : host.substring(0, colon);
  }

  private boolean tokenMatches(String authorization) {
    if (authorization == null || !authorization.regionMatches(true, 0, "Bearer ", 0, 7)) {
      return false;
    }
    return token.matches(authorization.substring(7).strip());
  }
}
