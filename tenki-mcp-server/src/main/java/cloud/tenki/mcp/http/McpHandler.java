package cloud.tenki.mcp.http;

import cloud.tenki.mcp.protocol.Exchange;
import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.protocol.McpServer;
import cloud.tenki.mcp.protocol.McpSession;
import cloud.tenki.mcp.protocol.ProtocolVersion;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicReference;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The MCP endpoint of the Streamable HTTP transport (a Jetty core handler): POST carries client
 * messages, GET opens the session's listening stream, DELETE ends the session. Every request first
 * passes the {@link RequestGuard}. Thread-safe.
 */
final class McpHandler extends Handler.Abstract {

  static final String SESSION_HEADER = "Mcp-Session-Id";
  static final String VERSION_HEADER = "MCP-Protocol-Version";

  private final McpServer server;
  private final HttpSessions sessions;
  private final RequestGuard guard;
  private final String path;
  private final int maxMessageBytes;

  McpHandler(
      McpServer server,
      HttpSessions sessions,
      RequestGuard guard,
      String path,
      int maxMessageBytes) {
    this.server = server;
    this.sessions = sessions;
    this.guard = guard;
    this.path = path;
    this.maxMessageBytes = maxMessageBytes;
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    String origin = request.getHeaders().get(HttpHeader.ORIGIN);
    RequestGuard.Verdict verdict =
        guard.check(
            request.getHeaders().get(HttpHeader.HOST),
            origin,
            request.getHeaders().get(HttpHeader.AUTHORIZATION));
    if (!verdict.allowed()) {
      if (verdict.status() == 401) {
        response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      }
      return refuseUnread(
          response, callback, verdict.status(), JsonRpc.INVALID_REQUEST, verdict.reason());
    }
    if (!path.equals(request.getHttpURI().getPath())) {
      return refuseUnread(response, callback, 404, JsonRpc.INVALID_REQUEST, "Not Found");
    }
    if (origin != null) {
      addCorsHeaders(response, origin);
    }
    String versionHeader = request.getHeaders().get(VERSION_HEADER);
    if (versionHeader != null && ProtocolVersion.fromWireName(versionHeader.strip()) == null) {
      return refuseUnread(
          response,
          callback,
          400,
          JsonRpc.INVALID_REQUEST,
          "Unsupported MCP-Protocol-Version: " + versionHeader);
    }
    String method = request.getMethod();
    if (HttpMethod.POST.is(method)) {
      return post(request, response, callback);
    } else if (HttpMethod.GET.is(method)) {
      return get(request, response, callback);
    } else if (HttpMethod.DELETE.is(method)) {
      return delete(request, response, callback);
    } else if (HttpMethod.OPTIONS.is(method)) {
      response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, DELETE, OPTIONS");
      response.setStatus(204);
      callback.succeeded();
      return true;
    }
    response.getHeaders().put(HttpHeader.ALLOW, "GET, POST, DELETE, OPTIONS");
    return refuseUnread(response, callback, 405, JsonRpc.INVALID_REQUEST, "Method Not Allowed");
  }

  private boolean post(Request request, Response response, Callback callback) throws IOException {
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    if (contentType == null || !contentType.toLowerCase(Locale.ROOT).contains("application/json")) {
      return refuseUnread(
          response,
          callback,
          415,
          JsonRpc.INVALID_REQUEST,
          "Content-Type must be application/json");
    }
    Accept accept = Accept.parse(request.getHeaders().get(HttpHeader.ACCEPT));
    if (!accept.json() && !accept.sse()) {
      return refuseUnread(
          response,
          callback,
          406,
          JsonRpc.INVALID_REQUEST,
          "Accept must include application/json and text/event-stream");
    }
    byte[] body = request.getLength() > discardLimit() ? null : readBody(request);
    if (body == null) {
      return refuseUnread(
          response,
          callback,
          413,
          JsonRpc.INVALID_REQUEST,
          "Message exceeds the limit of " + maxMessageBytes + " bytes");
    }
    JsonNode message;
    try {
      message = JsonRpc.parse(body, 0, body.length);
    } catch (IOException e) {
      return rpcError(response, callback, 400, JsonRpc.PARSE_ERROR, "Parse error: not valid JSON");
    }
    String sessionId = request.getHeaders().get(SESSION_HEADER);
    if (sessionId == null) {
      if (isInitialize(message)) {
        return initialize(message, accept, response, callback);
      }
      return rpcError(
          response,
          callback,
          400,
          JsonRpc.INVALID_REQUEST,
          "Bad Request: Mcp-Session-Id header is required");
    }
    HttpSessions.Entry entry = sessions.find(sessionId);
    if (entry == null) {
      return rpcError(response, callback, 404, JsonRpc.INVALID_REQUEST, "Session not found");
    }
    entry.touch();
    if (!JsonRpc.containsRequest(message)) {
      entry.session.handle(message, Discard.INSTANCE);
      response.setStatus(202);
      callback.succeeded();
      return true;
    }
    entry.openRequests.incrementAndGet();
    PostExchange exchange =
        new PostExchange(
            response,
            callback,
            accept.json(),
            accept.sse(),
            () -> {
              entry.touch();
              entry.openRequests.decrementAndGet();
            });
    // a tool call may be silent for minutes: the connection must not time out meanwhile
    request.addIdleTimeoutListener(timeout -> !exchange.isPending());
    entry.session.handle(message, exchange);
    return true;
  }

  private boolean initialize(
      JsonNode message, Accept accept, Response response, Callback callback) {
    McpSession session = server.openSession();
    AtomicReference<JsonNode> answer = new AtomicReference<>();
    session.handle(
        message,
        new Exchange() {
          @Override
          public void notify(JsonNode notification) {}

          @Override
          public void finish(JsonNode reply) {
            answer.set(reply);
          }
        });
    JsonNode reply = answer.get();
    if (reply == null || reply.has("error")) {
      session.end();
      return rpcBody(response, callback, 200, reply, accept);
    }
    HttpSessions.Entry entry = sessions.add(session);
    if (entry == null) {
      session.end();
      return rpcError(
          response, callback, 503, JsonRpc.INTERNAL_ERROR, "Too many sessions; try again later");
    }
    response.getHeaders().put(SESSION_HEADER, entry.id);
    return rpcBody(response, callback, 200, reply, accept);
  }

  private boolean get(Request request, Response response, Callback callback) {
    Accept accept = Accept.parse(request.getHeaders().get(HttpHeader.ACCEPT));
    if (!accept.sse()) {
      return plainError(response, callback, 406, "Accept must include text/event-stream");
    }
    HttpSessions.Entry entry = sessionOf(request, response, callback);
    if (entry == null) {
      return true;
    }
    SseWriter listener = new SseWriter(response, callback);
    synchronized (entry) {
      SseWriter current = entry.listener;
      if (current != null && !current.isEnded()) {
        return plainError(response, callback, 409, "Conflict: this session already has a stream");
      }
      entry.listener = listener;
    }
    entry.touch();
    // the listening stream is meant to stay open without traffic; keep-alives detect dead peers
    request.addIdleTimeoutListener(timeout -> listener.isEnded());
    listener.start();
    return true;
  }

  private boolean delete(Request request, Response response, Callback callback) {
    HttpSessions.Entry entry = sessionOf(request, response, callback);
    if (entry == null) {
      return true;
    }
    sessions.end(entry.id, "deleted by the client");
    response.setStatus(204);
    callback.succeeded();
    return true;
  }

  /** The session the request names, or {@code null} after answering 400 or 404. */
  private HttpSessions.Entry sessionOf(Request request, Response response, Callback callback) {
    String sessionId = request.getHeaders().get(SESSION_HEADER);
    if (sessionId == null) {
      plainError(response, callback, 400, "Bad Request: Mcp-Session-Id header is required");
      return null;
    }
    HttpSessions.Entry entry = sessions.find(sessionId);
    if (entry == null) {
      plainError(response, callback, 404, "Session not found");
    }
    return entry;
  }

  /**
   * The body, or {@code null} when it is over the limit. The excess of a moderately oversized body
   * is read and dropped, so that the client finishes sending and reliably sees the 413; a body
   * beyond {@link #discardLimit()} is not read at all and the connection is closed.
   */
  private byte[] readBody(Request request) throws IOException {
    try (InputStream in = Request.asInputStream(request)) {
      byte[] body = in.readNBytes(maxMessageBytes + 1);
      if (body.length <= maxMessageBytes) {
        return body;
      }
      long discarded = body.length;
      byte[] scratch = new byte[8192];
      int read;
      while (discarded < discardLimit() && (read = in.read(scratch)) >= 0) {
        discarded += read;
      }
      return null;
    }
  }

  private long discardLimit() {
    return Math.max(8L << 20, 2L * maxMessageBytes);
  }

  private static boolean isInitialize(JsonNode message) {
    return message.isObject() && "initialize".equals(message.path("method").textValue());
  }

  private void addCorsHeaders(Response response, String origin) {
    response.getHeaders().put(HttpHeader.ACCESS_CONTROL_ALLOW_ORIGIN, origin);
    response.getHeaders().put(HttpHeader.VARY, "Origin");
    response
        .getHeaders()
        .put(HttpHeader.ACCESS_CONTROL_ALLOW_METHODS, "GET, POST, DELETE, OPTIONS");
    response
        .getHeaders()
        .put(
            HttpHeader.ACCESS_CONTROL_ALLOW_HEADERS,
            "Content-Type, Accept, Authorization, Mcp-Session-Id, MCP-Protocol-Version, Last-Event-ID");
    response
        .getHeaders()
        .put(HttpHeader.ACCESS_CONTROL_EXPOSE_HEADERS, "Mcp-Session-Id, MCP-Protocol-Version");
  }

  private static boolean rpcBody(
      Response response, Callback callback, int status, JsonNode body, Accept accept) {
    if (!accept.json()) {
      SseWriter sse = new SseWriter(response, callback);
      sse.send(body);
      sse.end();
      return true;
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(true, ByteBuffer.wrap(JsonRpc.toBytes(body)), callback);
    return true;
  }

  private static boolean rpcError(
      Response response, Callback callback, int status, int code, String message) {
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
    response.write(
        true, ByteBuffer.wrap(JsonRpc.toBytes(JsonRpc.error(null, code, message))), callback);
    return true;
  }

  /**
   * A refusal answered before the request's body is read: what is left of the body may still be on
   * its way, so the connection cannot carry another request. Saying so lets a client open a new
   * one, instead of sending its next request into a connection the server closes.
   */
  private static boolean refuseUnread(
      Response response, Callback callback, int status, int code, String message) {
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
    return rpcError(response, callback, status, code, message);
  }

  private static boolean plainError(Response response, Callback callback, int status, String text) {
    return rpcError(response, callback, status, JsonRpc.INVALID_REQUEST, text);
  }

  /** What the client's {@code Accept} header allows; a missing header or wildcard allows both. */
  record Accept(boolean json, boolean sse) {
    static Accept parse(String header) {
      if (header == null || header.isBlank()) {
        return new Accept(true, true);
      }
      String value = header.toLowerCase(Locale.ROOT);
      boolean any = value.contains("*/*");
      return new Accept(
          any || value.contains("application/json") || value.contains("application/*"),
          any || value.contains("text/event-stream") || value.contains("text/*"));
    }
  }

  /** Where answers to notification-only POSTs go: nowhere (they have none). */
  private enum Discard implements Exchange {
    INSTANCE;

    @Override
    public void notify(JsonNode notification) {}

    @Override
    public void finish(JsonNode response) {}
  }
}
