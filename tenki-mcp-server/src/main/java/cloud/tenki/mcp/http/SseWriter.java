package cloud.tenki.mcp.http;

import cloud.tenki.mcp.protocol.JsonRpc;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Writes one Server-Sent Events stream: JSON-RPC messages as {@code message} events and comments as
 * keep-alives. Writes block until Jetty took the bytes and are serialized by a lock, so events
 * never interleave. After a failed write (the client went away) everything is dropped. Ending the
 * stream completes the request. Thread-safe.
 */
final class SseWriter {

  private final Response response;
  private final Callback callback;
  private boolean started;
  private boolean ended;

  SseWriter(Response response, Callback callback) {
    this.response = response;
    this.callback = callback;
  }

  /** Sends the status line and headers (and a comment, so clients see the stream at once). */
  synchronized boolean start() {
    if (started) {
      return !ended;
    }
    started = true;
    response.setStatus(200);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/event-stream");
    response.getHeaders().put(HttpHeader.CACHE_CONTROL, "no-cache, no-transform");
    response.getHeaders().put("X-Accel-Buffering", "no");
    return write(": stream open\n\n", false);
  }

  synchronized boolean send(JsonNode message) {
    if (!start()) {
      return false;
    }
    String event =
        "event: message\ndata: "
            + new String(JsonRpc.toBytes(message), StandardCharsets.UTF_8)
            + "\n\n";
    return write(event, false);
  }

  synchronized boolean keepAlive() {
    return started && write(": keep-alive\n\n", false);
  }

  /** Ends the stream (idempotent). */
  synchronized void end() {
    if (ended) {
      return;
    }
    if (!start()) {
      return;
    }
    ended = true;
    response.write(true, ByteBuffer.allocate(0), callback);
  }

  synchronized boolean isEnded() {
    return ended;
  }

  private boolean write(String text, boolean last) {
    if (ended) {
      return false;
    }
    try {
      Content.Sink.write(response, last, ByteBuffer.wrap(text.getBytes(StandardCharsets.UTF_8)));
      return true;
    } catch (IOException | RuntimeException e) {
      ended = true;
      callback.failed(e);
      return false;
    }
  }
}
