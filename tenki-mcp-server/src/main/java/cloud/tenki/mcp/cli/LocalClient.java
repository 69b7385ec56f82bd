package cloud.tenki.mcp.cli;

import cloud.tenki.mcp.protocol.Exchange;
import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.protocol.McpServer;
import cloud.tenki.mcp.protocol.McpSession;
import cloud.tenki.mcp.protocol.ProtocolVersion;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * Talks to an engine in the same process through the same message path a remote client uses, so the
 * terminal commands validate and answer exactly like the server does. Not thread-safe.
 */
final class LocalClient implements AutoCloseable {

  private final McpSession session;
  private final AtomicInteger ids = new AtomicInteger();

  LocalClient(McpServer server) throws InterruptedException {
    this.session = server.openSession();
    ObjectNode params = JsonRpc.MAPPER.createObjectNode();
    params.put("protocolVersion", ProtocolVersion.LATEST.wireName());
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "tenki-mcp-server-cli").put("version", "1");
    request("initialize", params, n -> {});
  }

  /** Sends a request and waits for its response; notifications go to {@code onNotification}. */
  JsonNode request(String method, ObjectNode params, Consumer<JsonNode> onNotification)
      throws InterruptedException {
    ObjectNode request = JsonRpc.MAPPER.createObjectNode();
    request.put("jsonrpc", "2.0").put("id", ids.incrementAndGet()).put("method", method);
    request.set("params", params);
    CompletableFuture<JsonNode> response = new CompletableFuture<>();
    session.handle(
        request,
        new Exchange() {
          @Override
          public void notify(JsonNode notification) {
            onNotification.accept(notification);
          }

          @Override
          public void finish(JsonNode message) {
            response.complete(message);
          }
        });
    try {
      return response.get();
    } catch (ExecutionException e) {
      throw new IllegalStateException(e.getCause());
    }
  }

  @Override
  public void close() {
    session.end();
  }
}
