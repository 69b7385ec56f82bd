package cloud.tenki.engine.net;

import cloud.tenki.engine.memory.MemoryBudget;
import io.grpc.Channel;
import java.util.regex.Pattern;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpMethod;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * Routes every request on the engine's port: {@code POST /package.Service/Method} as gRPC ({@code
 * application/grpc*}) or Connect unary ({@code application/json}, {@code application/proto}), and
 * {@code /v1/ssh/{sessionId}} to the SSH gateway. Everything else is a plain 404. Stateless and
 * thread-safe.
 */
final class FrontHandler extends Handler.Abstract {

  private static final Pattern RPC_PATH =
      Pattern.compile("/[A-Za-z_][A-Za-z0-9_.]*/[A-Za-z_][A-Za-z0-9_]*");

  private final Channel channel;
  private final MethodTable methods;
  private final int maxMessage;
  private final Request.Handler sshGateway;
  private final java.util.function.Function<String, String> previewBySlug;
  private final boolean tokenRequired;
  private final MemoryBudget budget;

  FrontHandler(
      Channel channel,
      MethodTable methods,
      int maxMessage,
      MemoryBudget budget,
      Request.Handler sshGateway,
      java.util.function.Function<String, String> previewBySlug,
      boolean tokenRequired) {
    this.tokenRequired = tokenRequired;
    this.budget = budget;
    this.channel = channel;
    this.methods = methods;
    this.maxMessage = maxMessage;
    this.sshGateway = sshGateway;
    this.previewBySlug = previewBySlug;
  }

  /**
   * {@code http://<slug>.localhost:<port>/...} (which browsers resolve without DNS) redirects to
   * the preview's own URL with the same path and query; an unknown slug is a plain 404.
   */
  private void redirectToPreview(String host, Request request, Response response, Callback done) {
    String name = host.substring(0, host.length() - ".localhost".length());
    String slug = name.substring(name.lastIndexOf('.') + 1).toLowerCase(java.util.Locale.ROOT);
    String base = slug.isEmpty() ? null : previewBySlug.apply(slug);
    if (base == null) {
      PlainResponses.write(response, done, 404);
      return;
    }
    String path = request.getHttpURI().getPathQuery();
    String target = base.replaceAll("/+$", "") + (path == null || path.isEmpty() ? "/" : path);
    response.getHeaders().put(HttpHeader.LOCATION, target);
    PlainResponses.write(response, done, 307, "see " + target);
  }

  @Override
  public boolean handle(Request request, Response response, Callback callback) throws Exception {
    if (!tokenRequired && !LoopbackGuard.allows(request)) {
      // a tokenless engine answers only loopback names and origins (DNS rebinding)
      PlainResponses.write(response, callback, 403);
      return true;
    }
    String host = request.getHttpURI().getHost();
    if (host != null && host.toLowerCase(java.util.Locale.ROOT).endsWith(".localhost")) {
      redirectToPreview(host, request, response, callback);
      return true;
    }
    String path = request.getHttpURI().getPath();
    if (path == null) {
      PlainResponses.write(response, callback, 404);
      return true;
    }
    if (path.startsWith("/v1/ssh/") && sshGateway != null) {
      return sshGateway.handle(request, response, callback);
    }
    if (!RPC_PATH.matcher(path).matches()) {
      PlainResponses.write(response, callback, 404);
      return true;
    }
    if (!HttpMethod.POST.is(request.getMethod())) {
      PlainResponses.write(response, callback, 404);
      return true;
    }
    String method = path.substring(1);
    String contentType = request.getHeaders().get(HttpHeader.CONTENT_TYPE);
    String ct = ConnectExchange.bare(contentType);
    if (ct.equals("application/grpc") || ct.startsWith("application/grpc+")) {
      if (!ct.equals("application/grpc") && !ct.equals("application/grpc+proto")) {
        PlainResponses.write(response, callback, 415, "only protobuf gRPC is served");
        return true;
      }
      GrpcExchange.serve(
          channel, methods.find(method), method, request, response, callback, maxMessage, budget);
      return true;
    }
    if (ConnectExchange.isConnectUnary(contentType)) {
      ConnectExchange.serve(
          channel, methods.find(method), method, request, response, callback, maxMessage, budget);
      return true;
    }
    PlainResponses.write(
        response,
        callback,
        415,
        "use gRPC (application/grpc) or Connect (application/json, application/proto)");
    return true;
  }
}
