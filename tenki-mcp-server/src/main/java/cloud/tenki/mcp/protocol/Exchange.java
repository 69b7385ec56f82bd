package cloud.tenki.mcp.protocol;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * Where the messages caused by one incoming message go: zero or more notifications about it
 * (progress, logs), then at most one response. A transport implements it per incoming message (in
 * stdio every exchange writes to stdout; in HTTP each POST has its own).
 *
 * <p>The engine calls {@link #finish} exactly once per {@link McpSession#handle} call, possibly
 * from another thread and after {@code handle} returned. Implementations must be thread-safe and
 * must ignore {@link #notify} after {@link #finish}.
 */
public interface Exchange {

  /** Sends a notification related to the message being handled. */
  void notify(JsonNode notification);

  /**
   * Ends the exchange with a response (an object, or an array for a batch), or with {@code null}
   * when there is nothing to answer (notifications, client responses, cancelled requests).
   */
  void finish(JsonNode response);
}
