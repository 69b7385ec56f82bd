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
  private int unanswered; // guarded by idle

  /** Registers a call; {@code false} when a call with the same id is still running. */
  boolean add(ToolCall call) {
    if (running.putIfAbsent(call.key(), call) != null) {
      return false;
    }
    synchronized (idle) {
      unanswered++;
    }
    return true;
  }

  /**
   * Ends a registered call: frees its id, then runs {@code answer} (which writes the response, if
   * any). The id is free before the client can see the answer, so a client may reuse it as soon as
   * the response arrives; {@link #awaitIdle} still waits until the answer is written.
   */
  void end(ToolCall call, Runnable answer) {
    running.remove(call.key(), call);
    try {
      answer.run();
    } finally {
      synchronized (idle) {
        unanswered--;
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

  /** Waits until every call is answered or the timeout passed; returns whether all were. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (unanswered > 0) {
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
