package cloud.tenki.engine.preview;

import cloud.tenki.engine.sandbox.IoThreads;
import cloud.tenki.engine.sandbox.Sandbox;
import cloud.tenki.engine.service.RunningProcess;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The port that serves one preview URL. Every accepted connection is checked against the preview's
 * current binding (bound, not expired, session running) and then spliced byte for byte to a {@link
 * SandboxRelay} inside the sandbox, so HTTP/1.1, HTTP/2, WebSocket upgrades and server-sent events
 * all pass through unchanged, streaming both ways. Refusals are minimal plain HTTP answers that
 * name nothing on the host: 404 (unbound, expired, unknown), 503 (sandbox not running), 502
 * (nothing listens on the port in the sandbox).
 *
 * <p>Thread-safe; one accept thread plus two pump threads per open connection.
 */
final class PreviewListener implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(PreviewListener.class);

  /** Where a connection goes now: a sandbox port, or an HTTP status to refuse with. */
  record Route(Sandbox sandbox, int port, int refusal) {
    static Route refuse(int status) {
      return new Route(null, 0, status);
    }
  }

  private final ServerSocket server;
  private final Supplier<Route> route;
  private final Runnable accessed;
  private final Set<Socket> open = ConcurrentHashMap.newKeySet();

  private PreviewListener(ServerSocket server, Supplier<Route> route, Runnable accessed) {
    this.server = server;
    this.route = route;
    this.accessed = accessed;
  }

  /** Listens on {@code host:port} (port 0, or a taken port, gets a free one). */
  static PreviewListener start(String host, int port, Supplier<Route> route, Runnable accessed)
      throws IOException {
    ServerSocket s = new ServerSocket();
    s.setReuseAddress(true);
    InetAddress addr = InetAddress.getByName(host);
    try {
      s.bind(new InetSocketAddress(addr, port), 128);
    } catch (IOException taken) {
      if (port == 0) {
        s.close();
        throw taken;
      }
      s.bind(new InetSocketAddress(addr, 0), 128);
    }
    PreviewListener l = new PreviewListener(s, route, accessed);
    Thread t = new Thread(l::acceptLoop, "tenki-preview-" + s.getLocalPort());
    t.setDaemon(true);
    t.start();
    return l;
  }

  int port() {
    return server.getLocalPort();
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket c;
      try {
        c = server.accept();
      } catch (IOException e) {
        return;
      }
      IoThreads.POOL.execute(() -> serve(c));
    }
  }

  private void serve(Socket client) {
    open.add(client);
    RunningProcess relay = null;
    try {
      client.setTcpNoDelay(true);
      Route r = route.get();
      if (r.refusal() != 0) {
        refuse(client, r.refusal());
        return;
      }
      accessed.run();
      relay = SandboxRelay.start(r.sandbox(), r.port());
      InputStream fromSandbox = relay.process().getInputStream();
      if (fromSandbox.read() != '+') {
        refuse(client, 502);
        return;
      }
      RunningProcess started = relay;
      IoThreads.POOL.execute(() -> toSandbox(client, started));
      copy(fromSandbox, client.getOutputStream());
      client.shutdownOutput();
    } catch (IOException e) {
      LOG.debug("preview connection ended: {}", e.toString());
    } finally {
      open.remove(client);
      closeQuietly(client);
      if (relay != null && relay.process().isAlive()) {
        relay.signalGroup("KILL");
      }
    }
  }

  private static void toSandbox(Socket client, RunningProcess relay) {
    Process p = relay.process();
    try (OutputStream out = p.getOutputStream()) {
      copy(client.getInputStream(), out);
    } catch (IOException e) {
      // the client or the relay went away
    }
    try {
      // the client stopped sending: give the response time to finish, then end the relay
      if (!p.waitFor(10, TimeUnit.SECONDS) && p.isAlive()) {
        relay.signalGroup("KILL");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      relay.signalGroup("KILL");
    }
  }

  private static void copy(InputStream in, OutputStream out) throws IOException {
    byte[] buf = new byte[64 * 1024];
    int n;
    while ((n = in.read(buf)) >= 0) {
      out.write(buf, 0, n);
      out.flush();
    }
  }

  /** Answers with a bare status and closes, letting the client's request drain first. */
  static void refuse(Socket client, int status) throws IOException {
    String text =
        switch (status) {
          case 404 -> "Not Found";
          case 502 -> "Bad Gateway";
          case 503 -> "Service Unavailable";
          default -> "Error";
        };
    String body = text.toLowerCase(java.util.Locale.ROOT) + "\n";
    String head =
        "HTTP/1.1 "
            + status
            + " "
            + text
            + "\r\nContent-Type: text/plain; charset=utf-8\r\n"
            + "Content-Length: "
            + body.length()
            + "\r\nConnection: close\r\n\r\n";
    // read the request head first (bounded): some clients mishandle an answer that arrives
    // before they finished sending, and closing with unread bytes would reset the connection
    client.setSoTimeout(2000);
    InputStream in = client.getInputStream();
    try {
      byte[] buf = new byte[8192];
      StringBuilder seen = new StringBuilder();
      int n;
      while (seen.length() < 64 * 1024 && seen.indexOf("\r\n\r\n") < 0 && (n = in.read(buf)) >= 0) {
        seen.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (IOException e) {
      // a silent or vanished client gets the answer anyway
    }
    OutputStream out = client.getOutputStream();
    out.write((head + body).getBytes(StandardCharsets.US_ASCII));
    out.flush();
    client.shutdownOutput();
    try {
      byte[] sink = new byte[8192];
      long total = 0;
      int n;
      while (total < 1 << 20 && (n = in.read(sink)) >= 0) {
        total += n;
      }
    } catch (IOException e) {
      // timed out or reset: done either way
    }
  }

  /** Drops every open connection (the preview was unexposed, rebound or deleted). */
  void dropConnections() {
    for (Socket s : open) {
      closeQuietly(s);
    }
  }

  @Override
  public void close() {
    closeQuietly(server);
    dropConnections();
  }

  private static void closeQuietly(java.io.Closeable c) {
    try {
      c.close();
    } catch (IOException e) {
      // already closed
    }
  }
}
