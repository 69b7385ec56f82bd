package cloud.tenki.engine.net;

import cloud.tenki.engine.memory.MemoryBudget;
import io.grpc.Channel;
import io.grpc.Metadata;
import io.grpc.ServerServiceDefinition;
import io.grpc.Status;
import java.io.IOException;
import java.net.BindException;
import java.time.Duration;
import java.util.List;
import java.util.function.Function;
import org.eclipse.jetty.http2.server.HTTP2CServerConnectionFactory;
import org.eclipse.jetty.io.WindowRateControl;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.eclipse.jetty.websocket.server.ServerWebSocketContainer;

/**
 * The engine's network endpoint: one port speaking HTTP/1.1 and HTTP/2 without TLS (h2c, by prior
 * knowledge or upgrade), serving gRPC and Connect for every service of the in-process server and
 * the SSH WebSocket gateway. Built on Jetty core handlers; this class and its package are the only
 * code that knows about the transport.
 *
 * <p>Thread-safe. Owned by the engine, which closes it.
 */
public final class HttpEndpoint implements AutoCloseable {

  /** Idle time after which an HTTP connection without traffic is closed. */
  private static final long IDLE_TIMEOUT_MS = 60 * 60 * 1000L;

  /** Stream resets (and other rate-limited HTTP/2 events) a connection may cause per second. */
  private static final int RESET_EVENTS_PER_SECOND = 20_000;

  /**
   * What a client may send on one connection before the engine reads it: 32 streams' worth of
   * Jetty's 512 KiB stream window. A large message waiting for room in the memory budget is not
   * read, and what it already sent counts against this window; with Jetty's 1 MiB default two such
   * streams would hold up every other call on their connection until the wait ends.
   */
  private static final int SESSION_RECV_WINDOW = 16 * 1024 * 1024;

  private final Server server;
  private final ServerConnector connector;

  private HttpEndpoint(Server server, ServerConnector connector) {
    this.server = server;
    this.connector = connector;
  }

  /**
   * Starts listening.
   *
   * @param channel a channel to the engine's in-process server (every call is made on it)
   * @param services the services behind it (for Connect's message types)
   * @param budget the engine's memory budget, charged for large request bodies and replies
   * @param auth checks the bearer credentials of WebSocket upgrades (null when accepted)
   * @param ssh the SSH side of the {@code /v1/ssh/*} gateway
   * @param previewBySlug a preview's URL by slug, or null (for {@code <slug>.localhost} redirects)
   * @param tokenRequired whether clients must present a configured token; without one only loopback
   *     {@code Host} names and {@code Origin}s are served
   */
  public static HttpEndpoint start(
      String host,
      int port,
      Channel channel,
      List<ServerServiceDefinition> services,
      int maxMessageBytes,
      MemoryBudget budget,
      Function<Metadata, Status> auth,
      SshBackend ssh,
      Function<String, String> previewBySlug,
      boolean tokenRequired)
      throws IOException {
    QueuedThreadPool pool = new QueuedThreadPool(256, 4);
    pool.setName("tenki-http");
    pool.setDaemon(true);
    Server server = new Server(pool);
    HttpConfiguration cfg = new HttpConfiguration();
    cfg.setSendServerVersion(false);
    cfg.setSendXPoweredBy(false);
    HttpConnectionFactory h1 = new HttpConnectionFactory(cfg);
    HTTP2CServerConnectionFactory h2c = new HTTP2CServerConnectionFactory(cfg);
    h2c.setMaxConcurrentStreams(1024);
    // a command may run silently for a long time; its stream must not be cut for idleness
    h2c.setStreamIdleTimeout(0);
    // grpc-java resets every stream the server finished before the client half-closed (a Run
    // that exits first); Jetty's rapid-reset guard (128 such events a second) would answer a busy
    // client with GOAWAY. The engine is local and authenticated: allow far more.
    h2c.setRateControlFactory(new WindowRateControl.Factory(RESET_EVENTS_PER_SECOND));
    h2c.setInitialSessionRecvWindow(SESSION_RECV_WINDOW);
    ServerConnector connector = new ServerConnector(server, 1, 1, h1, h2c);
    connector.setHost(host);
    connector.setPort(port);
    connector.setIdleTimeout(IDLE_TIMEOUT_MS);
    server.addConnector(connector);
    server.setErrorHandler(new PlainResponses());
    ServerWebSocketContainer ws = ServerWebSocketContainer.ensure(server);
    // SSH sessions may sit idle for a long time; SSH itself has keep-alives
    ws.setIdleTimeout(Duration.ofHours(24));
    ws.setMaxBinaryMessageSize(16 * 1024 * 1024);
    ws.setMaxFrameSize(16 * 1024 * 1024);
    server.setHandler(
        new FrontHandler(
            channel,
            new MethodTable(services),
            maxMessageBytes,
            budget,
            new SshWebSocketGateway(ws, auth, ssh),
            previewBySlug,
            tokenRequired));
    try {
      server.start();
    } catch (Exception e) {
      stopQuietly(server);
      Throwable cause = e;
      while (cause.getCause() != null && !(cause instanceof BindException)) {
        cause = cause.getCause();
      }
      throw new IOException(
          "cannot listen on "
              + host
              + ":"
              + port
              + " ("
              + cause.getMessage()
              + "); is the port in use?",
          e);
    }
    return new HttpEndpoint(server, connector);
  }

  /** The server, for components that add their own handlers or connectors (WebSocket). */
  public Server server() {
    return server;
  }

  /** The bound port. */
  public int port() {
    return connector.getLocalPort();
  }

  @Override
  public void close() {
    stopQuietly(server);
  }

  private static void stopQuietly(Server server) {
    try {
      server.setStopTimeout(2000);
      server.stop();
    } catch (Exception e) {
      // stopping a half-started server: nothing more to release
    }
  }
}
