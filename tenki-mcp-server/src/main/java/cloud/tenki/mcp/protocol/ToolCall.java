package cloud.tenki.mcp.protocol;

import cloud.tenki.mcp.tool.CallContext;
import cloud.tenki.mcp.tool.LogLevel;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicInteger;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One running {@code tools/call}: its request id, where its messages go, its cancellation state and
 * the {@link CallContext} the tool sees.
 *
 * <p>A call ends exactly once, by whichever comes first: its result ({@link #complete}), a
 * cancellation ({@link #cancel}) or a shutdown ({@link #abort}). Later outcomes are dropped, so the
 * client never gets two answers or an answer after it cancelled. Thread-safe.
 */
final class ToolCall implements CallContext {

  private static final Logger LOG = LoggerFactory.getLogger(ToolCall.class);
  private static final int RUNNING = 0;
  private static final int ENDED = 1;
  private static final String TRUNCATION_NOTE = "[further progress output omitted]";

  private final JsonNode id;
  private final String key;
  private final JsonNode progressToken;
  private final Exchange exchange;
  private final McpSession session;
  private final int progressMessageLimit;
  private final AtomicInteger state = new AtomicInteger(RUNNING);
  private final List<Runnable> cancelActions = new CopyOnWriteArrayList<>();
  private volatile boolean cancelled;
  private volatile Future<?> future;

  // progress is reported from the tool's threads; these are guarded by "this"
  private double lastProgress = -1;
  private long progressTextLeft;

  ToolCall(
      JsonNode id,
      JsonNode progressToken,
      Exchange exchange,
      McpSession session,
      McpServer.Limits limits) {
    this.id = id;
    this.key = CallRegistry.key(id);
    this.progressToken = progressToken;
    this.exchange = exchange;
    this.session = session;
    this.progressMessageLimit = limits.progressMessageChars();
    this.progressTextLeft = limits.progressTextBudget();
  }

  JsonNode id() {
    return id;
  }

  String key() {
    return key;
  }

  void attach(Future<?> future) {
    this.future = future;
    if (cancelled) {
      // the cancellation raced the submission and found no thread to interrupt
      future.cancel(true);
    }
  }

  /** Answers the call with its result, unless it already ended. */
  void complete(ObjectNode result) {
    if (state.compareAndSet(RUNNING, ENDED)) {
      session.calls().end(this, () -> exchange.finish(JsonRpc.result(id, result)));
    }
  }

  /**
   * Cancels the call at the client's request: stops the tool and ends the exchange without a
   * response, as the protocol asks.
   */
  void cancel(String reason) {
    if (state.compareAndSet(RUNNING, ENDED)) {
      LOG.debug("call {} cancelled: {}", key, reason);
      stopTool();
      session.calls().end(this, () -> exchange.finish(null));
    }
  }

  /** Ends the call because the server stops: stops the tool and answers with an error. */
  void abort(String message) {
    if (state.compareAndSet(RUNNING, ENDED)) {
      stopTool();
      session
          .calls()
          .end(this, () -> exchange.finish(JsonRpc.error(id, JsonRpc.INTERNAL_ERROR, message)));
    }
  }

  private void stopTool() {
    cancelled = true;
    for (Runnable action : cancelActions) {
      // remove-then-run on both sides (here and in onCancel) runs each action exactly once
      if (cancelActions.remove(action)) {
        runQuietly(action);
      }
    }
    Future<?> running = future;
    if (running != null) {
      running.cancel(true);
    }
  }

  @Override
  public boolean progressRequested() {
    return progressToken != null;
  }

  @Override
  public void progress(String message) {
    synchronized (this) {
      sendProgress(lastProgress < 0 ? 1 : Math.floor(lastProgress) + 1, 0, message);
    }
  }

  @Override
  public void progress(double progress, double total, String message) {
    synchronized (this) {
      sendProgress(progress, total, message);
    }
  }

  private void sendProgress(double progress, double total, String message) {
    if (progressToken == null || state.get() != RUNNING || !(progress > lastProgress)) {
      return;
    }
    String text = message == null ? null : budgeted(message);
    if (message != null && text == null) {
      return;
    }
    lastProgress = progress;
    ObjectNode params = JsonRpc.MAPPER.createObjectNode();
    params.set("progressToken", progressToken);
    params.put("progress", progress);
    if (total > 0) {
      params.put("total", total);
    }
    if (text != null) {
      params.put("message", text);
    }
    exchange.notify(JsonRpc.notification("notifications/progress", params));
  }

  /** The text to send under the call's progress budget, or {@code null} once it is spent. */
  private String budgeted(String message) {
    if (progressTextLeft <= 0) {
      return null;
    }
    String text = message;
    if (text.length() > progressMessageLimit) {
      text =
          text.substring(0, progressMessageLimit)
              + " ["
              + (text.length() - progressMessageLimit)
              + " chars omitted]";
    }
    progressTextLeft -= text.length();
    return progressTextLeft > 0 ? text : TRUNCATION_NOTE;
  }

  @Override
  public void log(LogLevel level, String message) {
    if (state.get() == RUNNING && session.shouldLog(level)) {
      exchange.notify(session.logNotification(level, message));
    }
  }

  @Override
  public boolean isCancelled() {
    return cancelled;
  }

  @Override
  public Registration onCancel(Runnable action) {
    cancelActions.add(action);
    if (cancelled && cancelActions.remove(action)) {
      runQuietly(action);
    }
    return () -> cancelActions.remove(action);
  }

  private static void runQuietly(Runnable action) {
    try {
      action.run();
    } catch (RuntimeException e) {
      LOG.warn("a cancellation action failed", e);
    }
  }
}
