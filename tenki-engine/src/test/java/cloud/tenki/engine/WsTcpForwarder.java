package cloud.tenki.engine;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.nio.ByteBuffer;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * Test helper: a loopback TCP port whose connections are each carried over a fresh WebSocket to the
 * engine's SSH gateway (binary messages both ways), so a stock SSH client can connect to it. Uses
 * the JDK's own WebSocket client.
 */
final class WsTcpForwarder implements AutoCloseable {

  private final ServerSocket server;
  private final String url;
  private final String token;
  private final HttpClient http = HttpClient.newHttpClient();

  WsTcpForwarder(String url, String token) throws IOException {
    this.url = url;
    this.token = token;
    this.server = new ServerSocket(0, 16, InetAddress.getLoopbackAddress());
    Thread t = new Thread(this::acceptLoop, "ws-forwarder");
    t.setDaemon(true);
    t.start();
  }

  int port() {
    return server.getLocalPort();
  }

  /** Opens one WebSocket; fails with the upgrade's HTTP status in the message when refused. */
  static WebSocket open(HttpClient http, String url, String token, WebSocket.Listener l)
      throws Exception {
    WebSocket.Builder b = http.newWebSocketBuilder();
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return b.buildAsync(URI.create(url), l).get(20, TimeUnit.SECONDS);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      try {
        Socket s = server.accept();
        Thread t = new Thread(() -> bridge(s), "ws-forwarder-conn");
        t.setDaemon(true);
        t.start();
      } catch (IOException e) {
        return;
      }
    }
  }

  private void bridge(Socket s) {
    try (s) {
      OutputStream toClient = s.getOutputStream();
      WebSocket ws =
          open(
              http,
              url,
              token,
              new WebSocket.Listener() {
                @Override
                public CompletionStage<?> onBinary(WebSocket w, ByteBuffer data, boolean last) {
                  try {
                    byte[] b = new byte[data.remaining()];
                    data.get(b);
                    toClient.write(b);
                    toClient.flush();
                  } catch (IOException e) {
                    w.abort();
                  }
                  w.request(1);
                  return null;
                }

                @Override
                public CompletionStage<?> onClose(WebSocket w, int code, String reason) {
                  try {
                    s.close();
                  } catch (IOException e) {
                    // closing
                  }
                  return null;
                }
              });
      InputStream in = s.getInputStream();
      byte[] buf = new byte[32 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        ws.sendBinary(ByteBuffer.wrap(buf, 0, n), true).get(30, TimeUnit.SECONDS);
      }
      ws.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
    } catch (Exception e) {
      // the test sees the SSH client fail
    }
  }

  @Override
  public void close() throws IOException {
    server.close();
  }
}
