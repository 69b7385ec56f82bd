package cloud.tenki.mcp.http;

import cloud.tenki.mcp.protocol.McpSession;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The live HTTP sessions by {@code Mcp-Session-Id}. Session ids are 256 random bits from {@link
 * SecureRandom}, so they cannot be guessed; a request can only ever reach the session whose id it
 * carries. Thread-safe.
 */
final class HttpSessions {

  private static final Logger LOG = LoggerFactory.getLogger(HttpSessions.class);
  private static final SecureRandom RANDOM = new SecureRandom();

  /** One session: the protocol state plus what HTTP needs to know about it. */
  static final class Entry {
    final String id;
    final McpSession session;
    final AtomicInteger openRequests = new AtomicInteger();
    volatile long lastActiveNanos = System.nanoTime();
    volatile SseWriter listener;

    Entry(String id, McpSession session) {
      this.id = id;
      this.session = session;
    }

    void touch() {
      lastActiveNanos = System.nanoTime();
    }

    boolean idleLongerThan(Duration timeout, long now) {
      return openRequests.get() == 0
          && session.runningCalls() == 0
          && now - lastActiveNanos > timeout.toNanos();
    }
  }

  private final Map<String, Entry> sessions = new ConcurrentHashMap<>();
  private final int maxSessions;

  HttpSessions(int maxSessions) {
    this.maxSessions = maxSessions;
  }

  /** Registers a session under a new id; {@code null} when the limit is reached. */
  synchronized Entry add(McpSession session) {
    if (sessions.size() >= maxSessions) {
      return null;
    }
    Entry entry = new Entry(newId(), session);
    sessions.put(entry.id, entry);
    return entry;
  }

  Entry find(String id) {
    return id == null ? null : sessions.get(id);
  }

  /** Removes and ends a session (cancels its calls, closes its stream, ends the conversation). */
  boolean end(String id, String why) {
    Entry entry = sessions.remove(id);
    if (entry == null) {
      return false;
    }
    LOG.debug("ending HTTP session: {}", why);
    SseWriter listener = entry.listener;
    if (listener != null) {
      listener.end();
    }
    entry.session.end();
    return true;
  }

  /** Ends sessions idle longer than {@code timeout}. */
  void expireIdle(Duration timeout) {
    long now = System.nanoTime();
    for (Entry entry : new ArrayList<>(sessions.values())) {
      if (entry.idleLongerThan(timeout, now)) {
        end(entry.id, "idle for " + timeout);
      }
    }
  }

  /** Sends a keep-alive on every open listening stream; drops those whose client went away. */
  void keepAlive() {
    for (Entry entry : sessions.values()) {
      SseWriter listener = entry.listener;
      if (listener != null && !listener.keepAlive()) {
        entry.listener = null;
      }
    }
  }

  List<String> ids() {
    return new ArrayList<>(sessions.keySet());
  }

  int size() {
    return sessions.size();
  }

  private static String newId() {
    byte[] bytes = new byte[32];
    RANDOM.nextBytes(bytes);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
  }
}
