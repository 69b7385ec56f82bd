package cloud.tenki.mcp.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The tool calls of one session that have not been answered yet, by request id, so that a {@code
 * notifications/cancelled} can find them and shutdown can wait for them. Thread-safe.
 */
final class CallRegistry {

  private final Map<String, ToolCall> running = new ConcurrentHashMap<>();
  private final Object idle = new Object();

  /** Registers a call; {@code false} when a call with the same id is still running. */
  boolean add(ToolCall call) {
    return running.putIfAbsent(call.key(), call) == null;
  }

  void remove(ToolCall call) {
    if (running.remove(call.key(), call)) {
      synchronized (idle) {
        idle.notifyAll();
      }
    }
  }

  /** The running call with this request id, or {@code null}. */
  ToolCall find(JsonNode requestId) {
    return running.get(key(requestId));
  }

  int size() {
    return running.size();
  }

  List<ToolCall> snapshot() {
    return new ArrayList<>(running.values());
  }

  /** Waits until no call is running or the timeout passed; returns whether all finished. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (!running.isEmpty()) {
        long left = deadline - System.nanoTime();
        if (left <= 0) {
          return false;
        }
        idle.wait(Math.max(1, left / 1_000_000));
      }
      return true;
    }
  }

  /**
   * The map key of a request id. Ids are strings or numbers and a response must echo the same type,
   * so "1" and 1 are different requests.
   */
  static String key(JsonNode id) {
    return (id.isTextual() ? "s:" : "n:") + id.asText();
  }
}
