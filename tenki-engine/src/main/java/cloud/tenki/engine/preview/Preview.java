package cloud.tenki.engine.preview;

import java.time.Instant;
import java.util.Properties;

/**
 * One preview URL: a slug, the loopback port that serves it and, when bound, the session and port
 * it forwards to. A port exposure is a preview with an optional expiry, created by {@code
 * ExposePort}. Not thread-safe: {@link PreviewRegistry} guards every instance with its own lock.
 */
final class Preview {
  String id;
  String slug;
  String sessionId;
  Integer port;
  boolean exposure;
  Instant expiresAt;
  Instant createdAt;
  Instant updatedAt;
  Instant lastAccessedAt;
  String workspaceId = "local";
  int listenPort;

  boolean bound() {
    return sessionId != null && port != null;
  }

  boolean expired(Instant now) {
    return expiresAt != null && !now.isBefore(expiresAt);
  }

  Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("id", id);
    p.setProperty("slug", slug);
    if (sessionId != null) {
      p.setProperty("session_id", sessionId);
    }
    if (port != null) {
      p.setProperty("port", port.toString());
    }
    p.setProperty("exposure", Boolean.toString(exposure));
    put(p, "expires_at", expiresAt);
    put(p, "created_at", createdAt);
    put(p, "updated_at", updatedAt);
    put(p, "last_accessed_at", lastAccessedAt);
    p.setProperty("workspace_id", workspaceId);
    p.setProperty("listen_port", Integer.toString(listenPort));
    return p;
  }

  static Preview fromProperties(Properties p) {
    Preview v = new Preview();
    v.id = p.getProperty("id");
    v.slug = p.getProperty("slug");
    v.sessionId = p.getProperty("session_id");
    String port = p.getProperty("port");
    v.port = port == null ? null : Integer.valueOf(port);
    v.exposure = Boolean.parseBoolean(p.getProperty("exposure"));
    v.expiresAt = instant(p, "expires_at");
    v.createdAt = instant(p, "created_at");
    v.updatedAt = instant(p, "updated_at");
    v.lastAccessedAt = instant(p, "last_accessed_at");
    v.workspaceId = p.getProperty("workspace_id", "local");
    v.listenPort = Integer.parseInt(p.getProperty("listen_port", "0"));
    return v;
  }

  private static void put(Properties p, String k, Instant v) {
    if (v != null) {
      p.setProperty(k, v.toString());
    }
  }

  private static Instant instant(Properties p, String k) {
    String v = p.getProperty(k);
    return v == null ? null : Instant.parse(v);
  }
}
