package cloud.tenki.examples.interpreter;

import cloud.tenki.sandbox.agent.SandboxToolkit;
import cloud.tenki.sandbox.agent.ToolResult;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The open sessions of the interpreter: one per user, each with a secret token and its own
 * conversation, and so its own sandbox, in the agent toolkit. Thread-safe.
 *
 * <p>A session's conversation key is random, not the user name, so a session opened again after one
 * ended never finds the old sandbox. Only a hash of each token is kept, and tokens are compared in
 * constant time.
 */
final class InterpreterSessions implements AutoCloseable {
  private static final SecureRandom RANDOM = new SecureRandom();

  /** Why a request about a session was refused; the server maps each to an HTTP status. */
  enum Refusal {
    SESSION_EXISTS,
    TOO_MANY_SESSIONS,
    NOT_AUTHORISED
  }

  /** A refused request, with a message safe to show the caller. */
  static final class RefusedException extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final Refusal refusal;

    RefusedException(Refusal refusal, String message) {
      super(message);
      this.refusal = refusal;
    }
  }

  private static final class Session {
    final byte[] tokenHash;
    final String conversationKey;
    final AtomicInteger running = new AtomicInteger();
    volatile Instant lastUsed;

    /** Set once, under the session's lock, when it is closed or swept; no run starts after. */
    boolean closed;

    Session(byte[] tokenHash, String conversationKey, Instant now) {
      this.tokenHash = tokenHash;
      this.conversationKey = conversationKey;
      this.lastUsed = now;
    }
  }

  private final SandboxToolkit toolkit;
  private final int maxSessions;
  private final Duration idleTimeout;
  private final Clock clock;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();

  InterpreterSessions(SandboxToolkit toolkit, int maxSessions, Duration idleTimeout, Clock clock) {
    this.toolkit = toolkit;
    this.maxSessions = maxSessions;
    this.idleTimeout = idleTimeout;
    this.clock = clock;
  }

  /** Opens a session for {@code user} and returns its token (shown once, never stored). */
  synchronized String open(String user) {
    if (sessions.containsKey(user)) {
      throw new RefusedException(
          Refusal.SESSION_EXISTS, "a session for this user is open; close it first");
    }
    if (sessions.size() >= maxSessions) {
      throw new RefusedException(
          Refusal.TOO_MANY_SESSIONS, "all " + maxSessions + " sessions are in use; try later");
    }
    String token = randomToken();
    sessions.put(user, new Session(hash(token), user + "/" + randomToken(), clock.instant()));
    return token;
  }

  /** Runs {@code code} in the user's sandbox, which is created by the first run. */
  ToolResult run(String user, String token, String language, String code) {
    Session s = authorised(user, token);
    synchronized (s) {
      // the session may have been closed or swept since it was looked up
      if (s.closed) {
        throw notAuthorised();
      }
      s.running.incrementAndGet();
    }
    s.lastUsed = clock.instant();
    try {
      return toolkit.call(
          s.conversationKey, "run_code", Map.of("language", language, "code", code));
    } finally {
      s.lastUsed = clock.instant();
      s.running.decrementAndGet();
      boolean closedMeanwhile;
      synchronized (s) {
        closedMeanwhile = s.closed;
      }
      if (closedMeanwhile) {
        // a close that came while this run was starting may have ended the conversation before
        // the run created its sandbox: end it again, so that no sandbox outlives its session
        toolkit.endConversation(s.conversationKey);
      }
    }
  }

  /** Ends the user's session and terminates its sandbox. */
  void close(String user, String token) {
    Session s = authorised(user, token);
    synchronized (s) {
      s.closed = true;
    }
    if (sessions.remove(user, s)) {
      toolkit.endConversation(s.conversationKey);
    }
  }

  /** Ends every session idle (no call running, none started) for longer than the idle timeout. */
  void closeIdle() {
    Instant cutoff = clock.instant().minus(idleTimeout);
    sessions.forEach(
        (user, s) -> {
          synchronized (s) {
            if (s.closed || s.running.get() > 0 || !s.lastUsed.isBefore(cutoff)) {
              return;
            }
            s.closed = true;
          }
          if (sessions.remove(user, s)) {
            toolkit.endConversation(s.conversationKey);
          }
        });
  }

  int size() {
    return sessions.size();
  }

  /** Ends every session and terminates every sandbox. */
  @Override
  public void close() {
    sessions.clear();
    toolkit.close();
  }

  private Session authorised(String user, String token) {
    Session s = sessions.get(user);
    // one answer for "no session" and "wrong token": the caller learns nothing about other users
    if (s == null || token == null || !MessageDigest.isEqual(s.tokenHash, hash(token))) {
      throw notAuthorised();
    }
    return s;
  }

  private static RefusedException notAuthorised() {
    return new RefusedException(
        Refusal.NOT_AUTHORISED, "no open session for this user with this token");
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }

  private static byte[] hash(String token) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(token.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is required of every JDK", e);
    }
  }
}
