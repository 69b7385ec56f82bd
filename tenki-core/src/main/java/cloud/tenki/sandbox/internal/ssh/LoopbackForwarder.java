package cloud.tenki.sandbox.internal.ssh;

import cloud.tenki.sandbox.SshConnection;
import cloud.tenki.sandbox.SshForwarder;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Listens on 127.0.0.1 and bridges each accepted socket to a fresh gateway connection. */
public final class LoopbackForwarder implements SshForwarder {
  private static final Logger log = LoggerFactory.getLogger(LoopbackForwarder.class);
  private static final AtomicInteger THREADS = new AtomicInteger();

  private final ServerSocket server;
  private final Supplier<SshConnection> connector;
  private final Set<AutoCloseable> open = ConcurrentHashMap.newKeySet();
  private volatile boolean closed;

  private LoopbackForwarder(ServerSocket server, Supplier<SshConnection> connector) {
    this.server = server;
    this.connector = connector;
  }

  public static LoopbackForwarder start(Supplier<SshConnection> connector) {
    try {
      ServerSocket s = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
      LoopbackForwarder f = new LoopbackForwarder(s, connector);
      daemon("tenki-ssh-accept", f::acceptLoop).start();
      return f;
    } catch (IOException e) {
      throw new java.io.UncheckedIOException("cannot listen on the loopback interface", e);
    }
  }

  @Override
  public int port() {
    return server.getLocalPort();
  }

  @Override
  public InetSocketAddress address() {
    return new InetSocketAddress(server.getInetAddress(), server.getLocalPort());
  }

  private void acceptLoop() {
    while (!closed) {
      Socket socket;
      try {
        socket = server.accept();
      } catch (IOException e) {
        if (!closed) {
          log.warn("SSH forwarder stopped accepting: {}", e.toString());
        }
        return;
      }
      daemon("tenki-ssh-connect", () -> bridge(socket)).start();
    }
  }

  private void bridge(Socket socket) {
    SshConnection conn;
    try {
      socket.setTcpNoDelay(true);
      conn = connector.get();
    } catch (IOException | RuntimeException e) {
      log.warn("SSH forwarder could not reach the gateway: {}", e.getMessage());
      closeQuietly(socket);
      return;
    }
    open.add(socket);
    open.add(conn);
    Runnable closeBoth =
        () -> {
          closeQuietly(socket);
          closeQuietly(conn);
          open.remove(socket);
          open.remove(conn);
        };
    try {
      InputStream fromClient = socket.getInputStream();
      OutputStream toClient = socket.getOutputStream();
      daemon("tenki-ssh-up", () -> pump(fromClient, conn.outputStream(), closeBoth)).start();
      pump(conn.inputStream(), toClient, closeBoth);
    } catch (IOException e) {
      closeBoth.run();
    }
  }

  private static void pump(InputStream in, OutputStream out, Runnable onEnd) {
    byte[] buf = new byte[32 * 1024];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        out.write(buf, 0, n);
        out.flush();
      }
    } catch (IOException e) {
      // either side went away; both are closed below
    } finally {
      onEnd.run();
    }
  }

  private static Thread daemon(String name, Runnable r) {
    Thread t = new Thread(r, name + "-" + THREADS.incrementAndGet());
    t.setDaemon(true);
    return t;
  }

  private static void closeQuietly(AutoCloseable c) {
    try {
      c.close();
    } catch (Exception ignored) {
      // closing on the way out
    }
  }

  @Override
  public void close() {
    closed = true;
    closeQuietly(server);
    open.forEach(LoopbackForwarder::closeQuietly);
    open.clear();
  }
}
