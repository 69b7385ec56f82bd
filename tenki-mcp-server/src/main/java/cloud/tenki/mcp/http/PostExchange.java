package cloud.tenki.mcp.http;

import cloud.tenki.mcp.protocol.Exchange;
import cloud.tenki.mcp.protocol.JsonRpc;
import com.fasterxml.jackson.databind.JsonNode;
import java.nio.ByteBuffer;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * The answer to one POST that carried requests. The choice between a JSON body and an event stream
 * is made as late as possible: the first notification (progress, a log message) turns the response
 * into an event stream, if the client accepts one; a call that produces nothing but its result is
 * answered as plain JSON. Thread-safe.
 */
final class PostExchange implements Exchange {

  private final Response response;
  private final Callback callback;
  private final boolean acceptsJson;
  private final boolean acceptsSse;
  private final Runnable onDone;
  private SseWriter sse;
  private boolean done;

  PostExchange(
      Response response,
      Callback callback,
      boolean acceptsJson,
      boolean acceptsSse,
      Runnable onDone) {
    this.response = response;
    this.callback = callback;
    this.acceptsJson = acceptsJson;
    this.acceptsSse = acceptsSse;
    this.onDone = onDone;
  }

  @Override
  public synchronized void notify(JsonNode notification) {
    if (done || !acceptsSse) {
      return; // a JSON-only client cannot receive notifications about its request
    }
    if (sse == null) {
      sse = new SseWriter(response, callback);
    }
    sse.send(notification);
  }

  @Override
  public void finish(JsonNode message) {
    synchronized (this) {
      if (done) {
        return;
      }
      done = true;
      if (sse != null) {
        if (message != null) {
          sse.send(message);
        }
        sse.end();
      } else if (message == null) {
        // nothing to answer (the request was cancelled): end without a body
        response.setStatus(202);
        response.write(true, ByteBuffer.allocate(0), callback);
      } else if (acceptsJson) {
        response.setStatus(200);
        response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
        response.write(true, ByteBuffer.wrap(JsonRpc.toBytes(message)), callback);
      } else {
        SseWriter only = new SseWriter(response, callback);
        only.send(message);
        only.end();
      }
    }
    onDone.run();
  }

  /** Whether the answer is still being awaited (used to keep the connection from timing out). */
  synchronized boolean isPending() {
    return !done;
  }
}
