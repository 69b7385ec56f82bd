package cloud.tenki.mcp.protocol;

import cloud.tenki.mcp.tool.LogLevel;
import cloud.tenki.mcp.tool.ToolDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The protocol state of one MCP conversation: the negotiated revision, the client's log level and
 * the running tool calls. A transport feeds it parsed messages with {@link #handle}; the session
 * answers through the given {@link Exchange}.
 *
 * <p>Quick requests (ping, listing, log level) are answered on the calling thread; tool calls run
 * on the server's call threads, so a slow tool never delays a ping, another call or the
 * cancellation of itself. Thread-safe: a transport may call {@link #handle} from several threads.
 *
 * <p>Owned by its {@link McpServer}; the transport calls {@link #end()} when the conversation is
 * over.
 */
public final class McpSession {

  private static final Logger LOG = LoggerFactory.getLogger(McpSession.class);

  private final McpServer server;
  private final String conversationKey;
  private final CallRegistry calls = new CallRegistry();
  private final AtomicBoolean ended = new AtomicBoolean();
  private volatile ProtocolVersion version;
  private volatile LogLevel logLevel;

  McpSession(McpServer server, String conversationKey, LogLevel logLevel) {
    this.server = server;
    this.conversationKey = conversationKey;
    this.logLevel = logLevel;
  }

  /** The key under which the tool source keeps this conversation's state. */
  public String conversationKey() {
    return conversationKey;
  }

  /** The negotiated revision, or {@code null} before {@code initialize}. */
  public ProtocolVersion version() {
    return version;
  }

  /** Whether {@link #end()} was called. */
  public boolean isEnded() {
    return ended.get();
  }

  /** How many tool calls are running. */
  public int runningCalls() {
    return calls.size();
  }

  /**
   * Handles one message (or, where the revision allows, a batch). Never throws for bad input: every
   * problem becomes a JSON-RPC error or a tool error result.
   */
  public void handle(JsonNode message, Exchange exchange) {
    try {
      if (message.isArray()) {
        handleBatch(message, exchange);
      } else {
        handleSingle(message, exchange);
      }
    } catch (RuntimeException e) {
      LOG.error("internal error while handling a message", e);
      exchange.finish(JsonRpc.error(readableId(message), JsonRpc.INTERNAL_ERROR, "Internal error"));
    }
  }

  private void handleBatch(JsonNode batch, Exchange exchange) {
    ProtocolVersion current = version;
    if (current == null || !current.allowsBatches()) {
      String revision = current == null ? "before initialize" : "in revision " + current.wireName();
      exchange.finish(
          JsonRpc.error(
              null, JsonRpc.INVALID_REQUEST, "JSON-RPC batches are not allowed " + revision));
      return;
    }
    if (batch.isEmpty()) {
      exchange.finish(JsonRpc.error(null, JsonRpc.INVALID_REQUEST, "Empty batch"));
      return;
    }
    BatchExchange collector = new BatchExchange(exchange, batch.size());
    for (JsonNode element : batch) {
      if (element.isObject() && "initialize".equals(element.path("method").asText())) {
        collector.finish(
            JsonRpc.error(
                readableId(element), JsonRpc.INVALID_REQUEST, "initialize cannot be batched"));
      } else {
        handleSingle(element, collector);
      }
    }
  }

  private void handleSingle(JsonNode message, Exchange exchange) {
    if (!message.isObject()) {
      exchange.finish(error(null, JsonRpc.INVALID_REQUEST, "A message must be a JSON object"));
      return;
    }
    JsonNode id = readableId(message);
    if (!"2.0".equals(message.path("jsonrpc").textValue())) {
      exchange.finish(error(id, JsonRpc.INVALID_REQUEST, "\"jsonrpc\" must be \"2.0\""));
      return;
    }
    JsonNode method = message.get("method");
    if (method == null) {
      if (message.has("id") && (message.has("result") || message.has("error"))) {
        exchange.finish(null); // a response; this server sends no requests, so nothing waits
      } else {
        exchange.finish(error(id, JsonRpc.INVALID_REQUEST, "\"method\" is missing"));
      }
      return;
    }
    if (!method.isTextual()) {
      exchange.finish(error(id, JsonRpc.INVALID_REQUEST, "\"method\" must be a string"));
      return;
    }
    JsonNode params = message.get("params");
    if (!message.has("id")) {
      if (params == null || params.isObject()) {
        onNotification(method.textValue(), params);
      }
      exchange.finish(null);
      return;
    }
    if (id == null) {
      exchange.finish(error(null, JsonRpc.INVALID_REQUEST, "\"id\" must be a string or a number"));
      return;
    }
    if (params != null && !params.isNull() && !params.isObject()) {
      exchange.finish(error(id, JsonRpc.INVALID_PARAMS, "\"params\" must be an object"));
      return;
    }
    ObjectNode paramsObject =
        params instanceof ObjectNode o ? o : JsonRpc.MAPPER.createObjectNode();
    onRequest(id, method.textValue(), paramsObject, exchange);
  }

  private void onRequest(JsonNode id, String method, ObjectNode params, Exchange exchange) {
    switch (method) {
      case "initialize" -> exchange.finish(initialize(id, params));
      case "ping" -> exchange.finish(JsonRpc.result(id, JsonRpc.MAPPER.createObjectNode()));
      case "tools/list", "tools/call", "logging/setLevel" -> {
        if (version == null) {
          exchange.finish(
              error(id, JsonRpc.INVALID_REQUEST, "Not initialized: send initialize first"));
        } else if (method.equals("tools/list")) {
          exchange.finish(listTools(id, params));
          server.toolsListed();
        } else if (method.equals("tools/call")) {
          callTool(id, params, exchange);
        } else {
          exchange.finish(setLevel(id, params));
        }
      }
      default ->
          exchange.finish(error(id, JsonRpc.METHOD_NOT_FOUND, "Method not found: " + method));
    }
  }

  private synchronized ObjectNode initialize(JsonNode id, ObjectNode params) {
    if (version != null) {
      return error(id, JsonRpc.INVALID_REQUEST, "Already initialized");
    }
    JsonNode requested = params.get("protocolVersion");
    if (requested == null || !requested.isTextual()) {
      return error(id, JsonRpc.INVALID_PARAMS, "params.protocolVersion must be a string");
    }
    version = ProtocolVersion.negotiate(requested.textValue());
    return JsonRpc.result(id, server.initializeResult(version));
  }

  private ObjectNode listTools(JsonNode id, ObjectNode params) {
    JsonNode cursor = params.get("cursor");
    if (cursor != null && !cursor.isNull() && !cursor.isTextual()) {
      return error(id, JsonRpc.INVALID_PARAMS, "params.cursor must be a string");
    }
    try {
      String text = cursor == null || cursor.isNull() ? null : cursor.textValue();
      return JsonRpc.result(id, server.catalog().page(text, version));
    } catch (IllegalArgumentException e) {
      return error(id, JsonRpc.INVALID_PARAMS, e.getMessage());
    }
  }

  private ObjectNode setLevel(JsonNode id, ObjectNode params) {
    LogLevel level = LogLevel.fromWireName(params.path("level").asText(null)).orElse(null);
    if (level == null) {
      return error(
          id,
          JsonRpc.INVALID_PARAMS,
          "params.level must be one of debug, info, notice, warning, error, critical, alert, emergency");
    }
    logLevel = level;
    return JsonRpc.result(id, JsonRpc.MAPPER.createObjectNode());
  }

  private void callTool(JsonNode id, ObjectNode params, Exchange exchange) {
    JsonNode name = params.get("name");
    if (name == null || !name.isTextual()) {
      exchange.finish(error(id, JsonRpc.INVALID_PARAMS, "params.name must be a string"));
      return;
    }
    ToolDefinition tool = server.catalog().find(name.textValue());
    if (tool == null) {
      exchange.finish(error(id, JsonRpc.INVALID_PARAMS, "Unknown tool: " + name.textValue()));
      return;
    }
    JsonNode arguments = params.get("arguments");
    if (arguments == null || arguments.isNull()) {
      arguments = JsonRpc.MAPPER.createObjectNode();
    } else if (!arguments.isObject()) {
      exchange.finish(error(id, JsonRpc.INVALID_PARAMS, "params.arguments must be an object"));
      return;
    }
    JsonNode token = params.path("_meta").get("progressToken");
    if (token != null && !token.isTextual() && !token.isIntegralNumber()) {
      token = null;
    }
    ToolCall call = new ToolCall(id, token, exchange, this, server.limits());
    if (!calls.add(call)) {
      exchange.finish(
          error(
              id,
              JsonRpc.INVALID_REQUEST,
              "Request id " + id + " is already in use by a running call"));
      return;
    }
    server.invoke(this, tool, arguments, call);
  }

  private void onNotification(String method, JsonNode params) {
    if ("notifications/cancelled".equals(method) && params != null) {
      JsonNode requestId = params.get("requestId");
      if (requestId != null && (requestId.isTextual() || requestId.isNumber())) {
        ToolCall call = calls.find(requestId);
        if (call != null) {
          call.cancel(params.path("reason").asText("cancelled by the client"));
        }
      }
    }
    // notifications/initialized and every other notification need no action
  }

  CallRegistry calls() {
    return calls;
  }

  boolean shouldLog(LogLevel level) {
    return level.atLeast(logLevel);
  }

  ObjectNode logNotification(LogLevel level, String message) {
    ObjectNode params = JsonRpc.MAPPER.createObjectNode();
    params.put("level", level.wireName());
    params.put("logger", server.serverName());
    params.put("data", message);
    return JsonRpc.notification("notifications/message", params);
  }

  /** Waits for running tool calls to finish; returns whether none is left. */
  public boolean awaitIdle(Duration timeout) throws InterruptedException {
    return calls.awaitIdle(timeout);
  }

  /** Stops every running call and answers it with an error naming the reason. */
  public void abortAll(String reason) {
    for (ToolCall call : calls.snapshot()) {
      call.abort(reason);
    }
  }

  /**
   * Ends the conversation: cancels running calls (without answering them) and tells the tool
   * source, once. Idempotent.
   */
  public void end() {
    if (ended.compareAndSet(false, true)) {
      for (ToolCall call : calls.snapshot()) {
        call.cancel("the conversation ended");
      }
      server.ended(this);
    }
  }

  private static ObjectNode error(JsonNode id, int code, String message) {
    return JsonRpc.error(id, code, message);
  }

  /** The message's id if it is a usable one (string or number), else {@code null}. */
  private static JsonNode readableId(JsonNode message) {
    JsonNode id = message.isObject() ? message.get("id") : null;
    return id != null && (id.isTextual() || id.isNumber()) ? id : null;
  }
}
