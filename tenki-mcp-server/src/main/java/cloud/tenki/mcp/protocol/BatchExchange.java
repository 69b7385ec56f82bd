package cloud.tenki.mcp.protocol;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;

/**
 * Collects the answers to the members of a JSON-RPC batch and finishes the outer exchange with one
 * array once every member is done (or with nothing, when no member needed an answer). Notifications
 * pass straight through. Thread-safe.
 */
final class BatchExchange implements Exchange {

  private final Exchange outer;
  private final ArrayNode responses = JsonRpc.MAPPER.createArrayNode();
  private int pending;

  BatchExchange(Exchange outer, int members) {
    this.outer = outer;
    this.pending = members;
  }

  @Override
  public void notify(JsonNode notification) {
    outer.notify(notification);
  }

  @Override
  public void finish(JsonNode response) {
    ArrayNode complete;
    synchronized (this) {
      if (response != null) {
        responses.add(response);
      }
      if (--pending > 0) {
        return;
      }
      complete = responses;
    }
    outer.finish(complete.isEmpty() ? null : complete);
  }
}
