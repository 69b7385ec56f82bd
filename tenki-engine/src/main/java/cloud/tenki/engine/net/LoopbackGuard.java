package cloud.tenki.engine.net;

import java.net.URI;
import java.util.Locale;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;

/**
 * Keeps web pages off an engine that has no token.
 *
 * <p>Without a configured token the engine accepts any bearer and relies on listening on loopback
 * only. A web page defeats that through DNS rebinding: its own host name is made to resolve to
 * 127.0.0.1, and the browser then treats the engine as the page's own origin (no CORS preflight)
 * and lets the script send any {@code Authorization} header. Such a request still names the page's
 * host in {@code Host} and, being a POST, carries the page's {@code Origin}. So a tokenless engine
 * serves only requests whose {@code Host} is a loopback name and whose {@code Origin}, when
 * present, is a loopback origin. Stateless and thread-safe.
 */
final class LoopbackGuard {

  private LoopbackGuard() {}

  /** Whether a tokenless engine may serve {@code request}. */
  static boolean allows(Request request) {
    String host = request.getHttpURI().getHost();
    if (host == null || !loopbackName(host)) {
      return false;
    }
    for (String origin : request.getHeaders().getValuesList(HttpHeader.ORIGIN)) {
      if (!loopbackOrigin(origin)) {
        return false;
      }
    }
    return true;
  }

  private static boolean loopbackOrigin(String origin) {
    try {
      URI u = URI.create(origin.trim());
      String scheme = u.getScheme();
      return u.getHost() != null
          && ("http".equalsIgnoreCase(scheme) || "https".equalsIgnoreCase(scheme))
          && loopbackName(u.getHost());
    } catch (IllegalArgumentException e) {
      // "null" (sandboxed frames, file pages) and garbage are not loopback origins
      return false;
    }
  }

  /** {@code localhost}, {@code *.localhost}, 127.0.0.0/8 and ::1, as they appear in a URI. */
  static boolean loopbackName(String host) {
    String h = host.toLowerCase(Locale.ROOT);
    if (h.startsWith("[") && h.endsWith("]")) {
      h = h.substring(1, h.length() - 1);
    }
    if (h.endsWith(".")) {
      h = h.substring(0, h.length() - 1);
    }
    return h.equals("localhost")
        || h.endsWith(".localhost")
        || h.equals("::1")
        || h.equals("0:0:0:0:0:0:0:1")
        || h.matches("127\\.\\d{1,3}\\.\\d{1,3}\\.\\d{1,3}");
  }
}
