package cloud.tenki.engine;

import io.grpc.HandlerRegistry;
import io.grpc.Server;
import io.grpc.ServerServiceDefinition;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * The engine's network transport: gRPC over plaintext HTTP/2 (h2c) on one address and port.
 *
 * <p>This is the only class that knows about the transport; services are plain gRPC bindables, so
 * the listener can be replaced without touching them. Not thread-safe; owned by {@link
 * LocalEngine}.
 */
final class NetworkListener implements AutoCloseable {

  private final Server server;

  private NetworkListener(Server server) {
    this.server = server;
  }

  static NetworkListener start(
      String host,
      int port,
      List<ServerServiceDefinition> services,
      HandlerRegistry fallback,
      int maxMessageBytes)
      throws IOException {
    NettyServerBuilder b =
        NettyServerBuilder.forAddress(new InetSocketAddress(host, port))
            .fallbackHandlerRegistry(fallback)
            .maxInboundMessageSize(maxMessageBytes)
            .permitKeepAliveTime(5, TimeUnit.SECONDS)
            .permitKeepAliveWithoutCalls(true);
    services.forEach(b::addService);
    try {
      return new NetworkListener(b.build().start());
    } catch (IOException e) {
      throw new IOException(
          "cannot listen on "
              + host
              + ":"
              + port
              + " ("
              + e.getMessage()
              + "); is the port in use?",
          e);
    }
  }

  int port() {
    return server.getPort();
  }

  @Override
  public void close() {
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
