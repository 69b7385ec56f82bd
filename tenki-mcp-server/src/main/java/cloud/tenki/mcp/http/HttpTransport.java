package cloud.tenki.mcp.http;

import cloud.tenki.mcp.config.HttpSettings;
import cloud.tenki.mcp.protocol.McpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP over Streamable HTTP on Jetty: one endpoint path, one conversation per {@code
 * Mcp-Session-Id}. Sessions end on DELETE, after the idle timeout and at {@link #close()}.
 *
 * <p>Binds to loopback unless told otherwise, and refuses to bind anything else without a bearer
 * token. Every request is checked for an allowed {@code Host} and {@code Origin} (DNS-rebinding
 * protection) and, when configured, the token. Thread-safe; owns the {@link McpServer} it is given.
 *
 * <pre>{@code
 * try (HttpTransport http = HttpTransport.start(server, settings, 4 << 20)) {
 *   System.err.println("listening on " + http.endpoint());
 *   http.awaitStopped();
 * }
 * }</pre>
 */
public final class HttpTransport implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(HttpTransport.class);
  private static final Duration KEEP_ALIVE = Duration.ofSeconds(15);

  private final McpServer server;
  private final Server jetty;
  private final HttpSessions sessions;
  private final ScheduledExecutorService timers;
  private final URI endpoint;
  private final AtomicBoolean closed = new AtomicBoolean();
  private final CountDownLatch stopped = new CountDownLatch(1);

  private HttpTransport(
      McpServer server,
      Server jetty,
      HttpSessions sessions,
      ScheduledExecutorService timers,
      URI endpoint) {
    this.server = server;
    this.jetty = jetty;
    this.sessions = sessions;
    this.timers = timers;
    this.endpoint = endpoint;
  }

  /**
   * Starts serving.
   *
   * @throws IllegalStateException when asked to bind a non-loopback address without a token
   * @throws IOException when the address cannot be bound
   */
  public static HttpTransport start(McpServer server, HttpSettings settings, int maxMessageBytes)
      throws IOException {
    return start(server, settings, maxMessageBytes, Duration.ofSeconds(60));
  }

  /** As {@link #start(McpServer, HttpSettings, int)} with the connections' idle timeout. */
  static HttpTransport start(
      McpServer server, HttpSettings settings, int maxMessageBytes, Duration connectionIdleTimeout)
      throws IOException {
    if (settings.bearerToken() == null && !isLoopback(settings.host())) {
      throw new IllegalStateException(
          "refusing to listen on "
              + settings.host()
              + " without a bearer token: anyone who can"
              + " reach it could run commands in your sandboxes. Set TENKI_MCP_HTTP_TOKEN or"
              + " --http-token-file, or bind 127.0.0.1.");
    }
    QueuedThreadPool threads = new QueuedThreadPool(64, 2);
    threads.setName("mcp-http");
    threads.setDaemon(true);
    Server jetty = new Server(threads);
    ServerConnector connector = new ServerConnector(jetty);
    connector.setHost(settings.host());
    connector.setPort(settings.port());
    connector.setIdleTimeout(connectionIdleTimeout.toMillis());
    jetty.addConnector(connector);
    HttpSessions sessions = new HttpSessions(settings.maxSessions());
    jetty.setHandler(
        new McpHandler(
            server, sessions, new RequestGuard(settings), settings.path(), maxMessageBytes));
    jetty.setStopAtShutdown(false);
    try {
      jetty.start();
    } catch (Exception e) {
      stopQuietly(jetty);
      throw new IOException(
          "cannot listen on " + settings.host() + ":" + settings.port() + ": " + e.getMessage(), e);
    }
    String host = settings.host().contains(":") ? "[" + settings.host() + "]" : settings.host();
    URI endpoint = URI.create("http://" + host + ":" + connector.getLocalPort() + settings.path());
    ScheduledExecutorService timers =
        Executors.newSingleThreadScheduledExecutor(
            task -> {
              Thread thread = new Thread(task, "mcp-http-timers");
              thread.setDaemon(true);
              return thread;
            });
    HttpTransport transport = new HttpTransport(server, jetty, sessions, timers, endpoint);
    long sweep = Math.max(50, Math.min(30_000, settings.sessionIdleTimeout().toMillis() / 4));
    timers.scheduleWithFixedDelay(
        () -> sessions.expireIdle(settings.sessionIdleTimeout()),
        sweep,
        sweep,
        TimeUnit.MILLISECONDS);
    timers.scheduleWithFixedDelay(
        sessions::keepAlive, KEEP_ALIVE.toMillis(), KEEP_ALIVE.toMillis(), TimeUnit.MILLISECONDS);
    return transport;
  }

  /** The URL of the MCP endpoint, with the bound port. */
  public URI endpoint() {
    return endpoint;
  }

  /** Number of live sessions. */
  public int sessionCount() {
    return sessions.size();
  }

  /** Blocks until {@link #close()} completed. */
  public void awaitStopped() {
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** Ends every session, stops listening and closes the server. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      timers.shutdownNow();
      for (String id : sessions.ids()) {
        sessions.end(id, "the server is shutting down");
      }
      stopQuietly(jetty);
      server.close();
    } finally {
      stopped.countDown();
    }
  }

  private static void stopQuietly(Server jetty) {
    try {
      jetty.stop();
    } catch (Exception e) {
      LOG.warn("stopping the HTTP server failed: {}", e.toString());
    }
  }

  static boolean isLoopback(String host) {
    try {
      for (InetAddress address : InetAddress.getAllByName(host)) {
        if (!address.isLoopbackAddress()) {
          return false;
        }
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }
}
