package cloud.tenki.engine.net;

import io.grpc.Metadata;
import io.grpc.Status;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * {@code GET /v1/ssh/{sessionId}} with a WebSocket upgrade: binary messages carry raw SSH bytes in
 * both directions (text messages are ignored), bridged to the engine's SSH server for that session.
 * Refusals happen before the upgrade with the statuses Tenki's gateway uses: 401 without a valid
 * bearer token, 404 for an unknown session, 409 for a session that is not running. Back pressure
 * both ways: the next WebSocket frame is demanded only once the previous one was written to the SSH
 * server, and SSH output is read only once the previous frame was sent.
 */
final class SshWebSocketGateway implements Request.Handler {

  private static final Pattern ID = Pattern.compile("[A-Za-z0-9_.-]{1,128}");

  private final ServerWebSocketContainer container;
  private final Function<Metadata, Status> auth;
  private final SshBackend backend;

  SshWebSocketGateway(
      ServerWebSocketContainer container, Function<Metadata, Status> auth, SshBackend backend) {
    this.container = container;
    this.auth = auth;
    this.backend = backend;
  }

  @Override
  public boolean handle(Request request, Response response, org.eclipse.jetty.util.Callback done) {
    String id = request.getHttpURI().getPath().substring("/v1/ssh/".length());
    if (!ID.matcher(id).matches()) {
      PlainResponses.write(response, done, 404);
      return true;
    }
    if (request.getHeaders().contains(HttpHeader.ORIGIN)) {
      // browsers send Origin and attach cookies to WebSocket handshakes without asking anyone;
      // a page (a preview, say) must not ride on a cookie to open a sandbox's SSH stream
      PlainResponses.write(response, done, 403, "forbidden");
      return true;
    }
    Status denied = auth.apply(HeaderMetadata.fromHttp(request.getHeaders()));
    if (denied != null) {
      response.getHeaders().put(HttpHeader.WWW_AUTHENTICATE, "Bearer");
      PlainResponses.write(response, done, 401, "unauthorized");
      return true;
    }
    int refusal = backend.admit(id);
    if (refusal != 0) {
      PlainResponses.write(
          response, done, refusal, refusal == 409 ? "sandbox is not running" : "session not found");
      return true;
    }
    boolean upgraded =
        container.upgrade(
            (req, resp, cb) -> new SshWebSocketBridge(backend, id), request, response, done);
    if (!upgraded) {
      PlainResponses.write(response, done, 400, "a WebSocket upgrade is required");
    }
    return true;
  }
}
