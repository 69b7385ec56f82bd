package cloud.tenki.engine.preview;

import cloud.tenki.engine.session.Session;
import cloud.tenki.engine.session.SessionManager;
import cloud.tenki.proto.sandbox.v1.PreviewUrl;
import cloud.tenki.proto.sandbox.v1.SessionState;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every preview URL and port exposure of the engine, with the listener that serves each. A preview
 * URL is {@code http://<host>:<port>/} on a port of its own (the engine's listen address, 127.0.0.1
 * by default): it works from any HTTP client on the host without DNS, keeps its URL when rebound,
 * and reaches exactly the session and port it is bound to at the time of each connection. Records
 * persist in the state directory; after a restart each preview tries to take its old port again.
 *
 * <p>Thread-safe: one lock guards the records; listeners run on their own threads.
 */
public final class PreviewRegistry implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PreviewRegistry.class);
  private static final Pattern SLUG = Pattern.compile("[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?");

  private final PreviewStore store;
  private final SessionManager sessions;
  private final Clock clock;
  private final String bindHost;
  private final String urlHost;
  private final Map<String, Preview> byId = new HashMap<>();
  private final Map<String, PreviewListener> listeners = new HashMap<>();
  private final java.security.SecureRandom random = new java.security.SecureRandom();
  private boolean closed;

  /**
   * @param bindHost the address preview ports listen on (the engine's listen address)
   * @param urlHost the host name written into preview URLs
   */
  public PreviewRegistry(
      java.nio.file.Path dir, SessionManager sessions, Clock clock, String bindHost, String urlHost)
      throws IOException {
    this.store = new PreviewStore(dir);
    this.sessions = sessions;
    this.clock = clock;
    this.bindHost = bindHost;
    this.urlHost = urlHost;
    for (Preview p : store.loadAll()) {
      byId.put(p.id, p);
    }
    synchronized (this) {
      for (Preview p : byId.values()) {
        try {
          touchListener(p);
        } catch (StatusRuntimeException e) {
          LOG.warn("preview {} is not served: {}", p.id, e.getStatus().getDescription());
        }
      }
    }
    sessions.addTerminationListener(this::sessionTerminated);
  }

  // ---- preview URLs -------------------------------------------------------------------------

  /** Creates a preview URL, bound when both session and port are given. */
  public synchronized PreviewUrl create(String slug, String sessionId, Integer port) {
    String s = requireSlug(slug, "slug");
    if (findBySlug(s) != null) {
      throw Status.ALREADY_EXISTS.withDescription("slug already in use: " + s).asRuntimeException();
    }
    Preview p = newPreview(s);
    if (sessionId != null || port != null) {
      bindTo(p, sessionId, port);
    }
    save(p);
    return view(p);
  }

  public synchronized PreviewUrl get(String id) {
    return view(require(id));
  }

  public synchronized PreviewUrl getBySlug(String slug) {
    Preview p = findBySlug(slug);
    if (p == null) {
      throw Status.NOT_FOUND.withDescription("preview URL not found: " + slug).asRuntimeException();
    }
    return view(p);
  }

  /** The URL of the preview with this slug, or null when there is none. */
  public String urlOfSlug(String slug) {
    synchronized (this) {
      Preview p = findBySlug(slug);
      return p == null ? null : url(touchListener(p));
    }
  }

  /** Preview URLs oldest first, {@code pageSize} (default 50, max 1000) from {@code token}. */
  public synchronized Page list(int pageSize, String token) {
    int size = pageSize <= 0 ? 50 : Math.min(pageSize, 1000);
    int from;
    try {
      from = token == null || token.isEmpty() ? 0 : Integer.parseInt(token);
    } catch (NumberFormatException e) {
      throw Status.INVALID_ARGUMENT.withDescription("invalid page_token").asRuntimeException();
    }
    List<Preview> all = sorted();
    List<PreviewUrl> page = new ArrayList<>();
    for (int i = Math.max(0, from); i < all.size() && page.size() < size; i++) {
      page.add(view(all.get(i)));
    }
    int next = from + page.size();
    return new Page(page, next < all.size() ? Integer.toString(next) : "");
  }

  /** A page of preview URLs and the token of the next one (empty at the end). */
  public record Page(List<PreviewUrl> previews, String nextToken) {}

  public synchronized PreviewUrl bind(String id, String sessionId, int port) {
    Preview p = require(id);
    bindTo(p, sessionId, port);
    drop(p);
    save(p);
    return view(p);
  }

  public synchronized PreviewUrl unbind(String id) {
    Preview p = require(id);
    p.sessionId = null;
    p.port = null;
    p.updatedAt = clock.instant();
    drop(p);
    save(p);
    return view(p);
  }

  public synchronized void delete(String id) {
    remove(require(id));
  }

  // ---- port exposures -----------------------------------------------------------------------

  /** An exposure and its URL, as the rpc reports it. */
  public record Exposure(
      int port, String url, String hostAddress, Instant expiresAt, String id, String slug) {}

  /** Exposes a sandbox port (again: a second call updates expiry and slug, keeps the URL). */
  public synchronized Exposure expose(String sessionId, int port, Instant expiresAt, String slug) {
    requirePort(port);
    requireLiveSession(sessionId);
    if (expiresAt != null && !expiresAt.isAfter(clock.instant())) {
      throw Status.INVALID_ARGUMENT
          .withDescription("expires_at must be in the future")
          .asRuntimeException();
    }
    String wanted = slug == null || slug.isEmpty() ? null : requireSlug(slug, "slug");
    Preview p = findExposure(sessionId, port);
    if (wanted != null) {
      Preview owner = findBySlug(wanted);
      if (owner != null && owner != p) {
        throw Status.ALREADY_EXISTS
            .withDescription("slug already in use: " + wanted)
            .asRuntimeException();
      }
    }
    if (p == null) {
      p = newPreview(wanted != null ? wanted : defaultSlug(sessionId, port));
      p.exposure = true;
      p.sessionId = sessionId;
      p.port = port;
    } else if (wanted != null) {
      p.slug = wanted;
    }
    p.expiresAt = expiresAt;
    p.updatedAt = clock.instant();
    save(p);
    return exposure(p);
  }

  public synchronized void unexpose(String sessionId, int port) {
    requirePort(port);
    sessions.get(sessionId);
    Preview p = findExposure(sessionId, port);
    if (p == null) {
      throw Status.NOT_FOUND
          .withDescription("port " + port + " is not exposed")
          .asRuntimeException();
    }
    remove(p);
  }

  public synchronized List<Exposure> exposed(String sessionId) {
    sessions.get(sessionId);
    List<Exposure> out = new ArrayList<>();
    Instant now = clock.instant();
    for (Preview p : sorted()) {
      if (p.exposure && sessionId.equals(p.sessionId) && !p.expired(now)) {
        out.add(exposure(p));
      }
    }
    out.sort(Comparator.comparingInt(Exposure::port));
    return out;
  }

  private Exposure exposure(Preview p) {
    PreviewListener l = touchListener(p);
    return new Exposure(p.port, url(l), urlHost + ":" + l.port(), p.expiresAt, p.id, p.slug);
  }

  // ---- routing ------------------------------------------------------------------------------

  /** Where a new connection to preview {@code id} goes right now. */
  private PreviewListener.Route route(String id) {
    String sessionId;
    int port;
    synchronized (this) {
      Preview p = byId.get(id);
      if (p == null || !p.bound() || p.expired(clock.instant())) {
        return PreviewListener.Route.refuse(404);
      }
      sessionId = p.sessionId;
      port = p.port;
    }
    Session s;
    try {
      s = sessions.get(sessionId);
    } catch (StatusRuntimeException e) {
      return PreviewListener.Route.refuse(404);
    }
    if (s.state() != SessionState.SESSION_STATE_RUNNING) {
      return PreviewListener.Route.refuse(
          s.state() == SessionState.SESSION_STATE_TERMINATED ? 404 : 503);
    }
    return new PreviewListener.Route(s.sandbox(), port, 0);
  }

  private void accessed(String id) {
    String sessionId = null;
    synchronized (this) {
      Preview p = byId.get(id);
      if (p != null) {
        p.lastAccessedAt = clock.instant();
        sessionId = p.sessionId;
      }
    }
    if (sessionId != null) {
      // a preview in use is activity of its sandbox, as a call would be
      try {
        sessions.touch(sessions.get(sessionId));
      } catch (StatusRuntimeException gone) {
        // the session ended meanwhile
      }
    }
  }

  /** The listener of a preview, started (on its recorded port when free) on first need. */
  private PreviewListener touchListener(Preview p) {
    PreviewListener l = listeners.get(p.id);
    if (l != null) {
      return l;
    }
    if (closed) {
      throw Status.UNAVAILABLE.withDescription("engine is closing").asRuntimeException();
    }
    String id = p.id;
    try {
      l = PreviewListener.start(bindHost, p.listenPort, () -> route(id), () -> accessed(id));
    } catch (IOException e) {
      LOG.warn("preview {} cannot listen: {}", id, e.toString());
      throw Status.UNAVAILABLE
          .withDescription("no port available for the preview URL")
          .asRuntimeException();
    }
    listeners.put(id, l);
    if (p.listenPort != l.port()) {
      p.listenPort = l.port();
      store.save(p);
    }
    return l;
  }

  private String url(PreviewListener l) {
    return "http://" + urlHost + ":" + l.port() + "/";
  }

  // ---- helpers ------------------------------------------------------------------------------

  private Preview newPreview(String slug) {
    Preview p = new Preview();
    p.id = "pu_" + HexFormat.of().formatHex(bytes(12));
    p.slug = slug;
    p.createdAt = clock.instant();
    p.updatedAt = p.createdAt;
    byId.put(p.id, p);
    return p;
  }

  private void bindTo(Preview p, String sessionId, Integer port) {
    if (sessionId == null || sessionId.isEmpty() || port == null) {
      throw Status.INVALID_ARGUMENT
          .withDescription("session_id and port are both required to bind a preview URL")
          .asRuntimeException();
    }
    requirePort(port);
    requireLiveSession(sessionId);
    p.sessionId = sessionId;
    p.port = port;
    p.updatedAt = clock.instant();
  }

  private void requireLiveSession(String sessionId) {
    Session s = sessions.get(sessionId);
    if (s.state() == SessionState.SESSION_STATE_TERMINATED) {
      throw Status.FAILED_PRECONDITION
          .withDescription("session " + sessionId + " is not running (state=TERMINATED)")
          .asRuntimeException();
    }
  }

  private static void requirePort(int port) {
    if (port < 1 || port > 65535) {
      throw Status.INVALID_ARGUMENT
          .withDescription("port must be between 1 and 65535 (got " + port + ")")
          .asRuntimeException();
    }
  }

  private static String requireSlug(String slug, String field) {
    if (slug == null || !SLUG.matcher(slug).matches()) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              field
                  + " must be 1-63 lowercase letters, digits or hyphens, not starting or ending"
                  + " with a hyphen")
          .asRuntimeException();
    }
    return slug;
  }

  private String defaultSlug(String sessionId, int port) {
    String base = "p" + port + "-" + sessionId.replaceAll("[^a-z0-9]", "").substring(0, 8);
    return findBySlug(base) == null ? base : base + "-" + HexFormat.of().formatHex(bytes(3));
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private Preview require(String id) {
    Preview p = id == null ? null : byId.get(id);
    if (p == null) {
      throw Status.NOT_FOUND.withDescription("preview URL not found: " + id).asRuntimeException();
    }
    return p;
  }

  private Preview findBySlug(String slug) {
    for (Preview p : byId.values()) {
      if (p.slug.equals(slug)) {
        return p;
      }
    }
    return null;
  }

  private Preview findExposure(String sessionId, int port) {
    for (Preview p : byId.values()) {
      if (p.exposure && sessionId.equals(p.sessionId) && p.port != null && p.port == port) {
        return p;
      }
    }
    return null;
  }

  private List<Preview> sorted() {
    List<Preview> all = new ArrayList<>(byId.values());
    all.sort(Comparator.comparing((Preview p) -> p.createdAt).thenComparing(p -> p.id));
    return all;
  }

  private void save(Preview p) {
    touchListener(p);
    store.save(p);
  }

  /** Closes open connections of a preview whose target changed. */
  private void drop(Preview p) {
    PreviewListener l = listeners.get(p.id);
    if (l != null) {
      l.dropConnections();
    }
  }

  private void remove(Preview p) {
    byId.remove(p.id);
    PreviewListener l = listeners.remove(p.id);
    if (l != null) {
      l.close();
    }
    store.delete(p.id);
  }

  /** A terminated session loses its exposures; preview URLs bound to it answer 404. */
  private synchronized void sessionTerminated(String sessionId) {
    for (Preview p : new ArrayList<>(byId.values())) {
      if (sessionId.equals(p.sessionId)) {
        if (p.exposure) {
          remove(p);
        } else {
          drop(p);
        }
      }
    }
  }

  private PreviewUrl view(Preview p) {
    PreviewListener l = touchListener(p);
    PreviewUrl.Builder b =
        PreviewUrl.newBuilder()
            .setId(p.id)
            .setSlug(p.slug)
            .setWorkspaceId(p.workspaceId)
            .setOwnerId("local")
            .setPreviewUrl(url(l))
            .setCreatedAt(ts(p.createdAt))
            .setUpdatedAt(ts(p.updatedAt));
    if (p.sessionId != null) {
      b.setSessionId(p.sessionId);
    }
    if (p.port != null) {
      b.setPort(p.port);
    }
    if (p.lastAccessedAt != null) {
      b.setLastAccessedAt(ts(p.lastAccessedAt));
    }
    return b.build();
  }

  static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  @Override
  public synchronized void close() {
    closed = true;
    listeners.values().forEach(PreviewListener::close);
    listeners.clear();
  }
}
