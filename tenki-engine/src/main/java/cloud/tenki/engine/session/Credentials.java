package cloud.tenki.engine.session;

import io.grpc.Status;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Data-plane credentials: random, per session, expiring. Several may be valid for one session at
 * once (a client renews at half-life while calls with the old one are in flight).
 *
 * <p>Thread-safe. Credentials live only in memory: after an engine restart clients mint new ones.
 */
public final class Credentials {

  private record Entry(String sessionId, Instant expiresAt) {}

  private final SecureRandom random = new SecureRandom();
  private final Map<String, Entry> byToken = new ConcurrentHashMap<>();
  private final Clock clock;
  private final Duration ttl;

  Credentials(Clock clock, Duration ttl) {
    this.clock = clock;
    this.ttl = ttl;
  }

  /** A fresh credential for a session. */
  public Minted mint(String sessionId) {
    byte[] bytes = new byte[32];
    random.nextBytes(bytes);
    String token = "tkc_" + Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
    Instant expires = clock.instant().plus(ttl);
    byToken.put(token, new Entry(sessionId, expires));
    return new Minted(token, expires);
  }

  /** A minted credential and its expiry. */
  public record Minted(String token, Instant expiresAt) {}

  /**
   * Checks that {@code token} is a live credential for {@code sessionId}; UNAUTHENTICATED
   * otherwise. The message never echoes the token.
   */
  public void check(String token, String sessionId) {
    Entry e = live(token);
    if (!e.sessionId().equals(sessionId)) {
      throw Status.UNAUTHENTICATED
          .withDescription("data-plane credential belongs to another session")
          .asRuntimeException();
    }
  }

  /**
   * Checks that {@code token} is a live credential of some session, before the call has said which
   * (its request has not been read yet); UNAUTHENTICATED otherwise, with the messages of {@link
   * #check}.
   */
  public void checkLive(String token) {
    live(token);
  }

  private Entry live(String token) {
    if (token == null || token.isEmpty()) {
      throw Status.UNAUTHENTICATED
          .withDescription("missing x-tenki-session-cert credential")
          .asRuntimeException();
    }
    Entry e = byToken.get(token);
    if (e == null) {
      throw Status.UNAUTHENTICATED
          .withDescription("unknown data-plane credential")
          .asRuntimeException();
    }
    if (!clock.instant().isBefore(e.expiresAt())) {
      byToken.remove(token);
      throw Status.UNAUTHENTICATED
          .withDescription("data-plane credential expired; mint a new one")
          .asRuntimeException();
    }
    return e;
  }

  /** Invalidates every credential of a session (pause, terminate). */
  public void revoke(String sessionId) {
    byToken.values().removeIf(e -> e.sessionId().equals(sessionId));
  }

  /** Drops expired credentials. */
  void purge() {
    Instant now = clock.instant();
    byToken.values().removeIf(e -> !now.isBefore(e.expiresAt()));
  }
}
