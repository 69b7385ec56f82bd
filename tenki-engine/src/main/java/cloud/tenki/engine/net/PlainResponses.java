package cloud.tenki.engine.net;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpStatus;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Short plain-text answers: a status line's words and nothing else, so no error page ever shows a
 * stack trace, a host path, a server version or what was behind a preview. Also the endpoint's
 * error handler for failures Jetty detects itself (malformed requests and the like).
 */
final class PlainResponses implements Request.Handler {

  static void write(Response response, Callback done, int status) {
    write(response, done, status, HttpStatus.getMessage(status));
  }

  static void write(Response response, Callback done, int status, String text) {
    byte[] body = (text + "\n").getBytes(StandardCharsets.UTF_8);
    if (status >= 400) {
      closeAfterResponse(response);
    }
    response.setStatus(status);
    response.getHeaders().put(HttpHeader.CONTENT_TYPE, "text/plain; charset=utf-8");
    response.getHeaders().put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), done);
  }

  /**
   * For an answer given without reading the request's body: what is left of the body may still be
   * on its way, so the connection cannot carry another request (Jetty closes it). Saying so lets an
   * HTTP/1.1 client open a new one instead of sending its next request into a closing connection;
   * HTTP/2 leaves the header out and resets only the stream.
   */
  static void closeAfterResponse(Response response) {
    response.getHeaders().put(HttpHeader.CONNECTION, "close");
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) {
    Object code = request.getAttribute("org.eclipse.jetty.server.error_status");
    int status = code instanceof Integer i ? i : response.getStatus();
    if (status < 400) {
      status = 500;
    }
    write(response, callback, status);
    return true;
  }
}
