package cloud.tenki.sandbox.internal.ssh;

import cloud.tenki.sandbox.SshConnection;
import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.TenkiTimeoutException;
import cloud.tenki.sandbox.UnavailableException;
import cloud.tenki.sandbox.internal.dataplane.ChunkPipe;
import cloud.tenki.sandbox.internal.errors.ErrorMapper;
import cloud.tenki.sandbox.internal.transport.Headers;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.Response;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okio.ByteString;

/**
 * SSH bytes over the gateway WebSocket: binary messages in both directions, text ignored.
 *
 * <p>Inbound messages go to a bounded pipe; when it is full the WebSocket reader thread waits,
 * which stops reading from the socket and pushes back through TCP. Outbound writes wait while
 * OkHttp's send queue is above a limit.
 */
public final class WebSocketSshConnection implements SshConnection {
  private static final long INBOUND_CAPACITY = 1024 * 1024;
  private static final long OUTBOUND_LIMIT = 1024 * 1024;

  private final ChunkPipe inbound = new ChunkPipe(INBOUND_CAPACITY, () -> {});
  private final CompletableFuture<Void> opened = new CompletableFuture<>();
  private final OutputStream out = new Out();
  private volatile WebSocket socket;
  private volatile boolean open;

  private WebSocketSshConnection() {}

  /** Opens the WebSocket and waits for the upgrade; refusals map to typed exceptions. */
  public static WebSocketSshConnection open(
      OkHttpClient http, String url, String token, Duration timeout) {
    WebSocketSshConnection c = new WebSocketSshConnection();
    Request req =
        new Request.Builder()
            .url(url)
            .header("Authorization", "Bearer " + token)
            .header("X-Tenki-Client-Family", Headers.CLIENT_FAMILY)
            .header("X-Tenki-Client-Generation", Headers.CLIENT_GENERATION)
            .build();
    c.socket = http.newWebSocket(req, c.new Listener());
    try {
      c.opened.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
      return c;
    } catch (ExecutionException e) {
      c.socket.cancel();
      throw e.getCause() instanceof TenkiException te
          ? te
          : new UnavailableException("SSH gateway: " + e.getCause(), "unavailable", null, null);
    } catch (TimeoutException e) {
      c.socket.cancel();
      throw new TenkiTimeoutException(
          "SSH gateway did not accept the connection within " + timeout.toSeconds() + " s",
          "deadline_exceeded",
          null,
          null);
    } catch (InterruptedException e) {
      c.socket.cancel();
      Thread.currentThread().interrupt();
      throw new TenkiException(
          "interrupted while connecting to the SSH gateway", "cancelled", null, e);
    }
  }

  @Override
  public InputStream inputStream() {
    return inbound.stream();
  }

  @Override
  public OutputStream outputStream() {
    return out;
  }

  @Override
  public boolean isOpen() {
    return open;
  }

  @Override
  public void close() {
    open = false;
    WebSocket ws = socket;
    if (ws != null && !ws.close(1000, null)) {
      ws.cancel();
    }
    inbound.finish();
  }

  private final class Listener extends WebSocketListener {
    @Override
    public void onOpen(WebSocket webSocket, Response response) {
      open = true;
      opened.complete(null);
    }

    @Override
    public void onMessage(WebSocket webSocket, ByteString bytes) {
      try {
        inbound.put(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        webSocket.cancel();
      }
    }

    @Override
    public void onMessage(WebSocket webSocket, String text) {
      // the gateway may send text notices; they are not SSH bytes
    }

    @Override
    public void onClosing(WebSocket webSocket, int code, String reason) {
      open = false;
      webSocket.close(1000, null);
      inbound.finish();
    }

    @Override
    public void onClosed(WebSocket webSocket, int code, String reason) {
      open = false;
      inbound.finish();
    }

    @Override
    public void onFailure(WebSocket webSocket, Throwable t, Response response) {
      open = false;
      if (!opened.isDone()) {
        if (response != null) {
          opened.completeExceptionally(
              ErrorMapper.fromUpgradeStatus(
                  "SSH gateway connect", response.code(), describe(response.code())));
        } else {
          opened.completeExceptionally(
              new UnavailableException(
                  "SSH gateway unreachable: "
                      + t.getClass().getSimpleName()
                      + ": "
                      + t.getMessage(),
                  "unavailable",
                  null,
                  t));
        }
        return;
      }
      inbound.fail(
          new UnavailableException(
              "SSH gateway connection failed: " + t.getMessage(), "unavailable", null, t));
    }
  }

  static String describe(int status) {
    return switch (status) {
      case 401 -> "unauthorized (check the token)";
      case 403 -> "forbidden for this sandbox";
      case 404 -> "sandbox session not found";
      case 409 -> "sandbox is not in a state that accepts SSH (is it running?)";
      default -> "unexpected status";
    };
  }

  private final class Out extends OutputStream {
    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      if (len == 0) {
        return;
      }
      WebSocket ws = socket;
      while (open && ws.queueSize() > OUTBOUND_LIMIT) {
        LockSupport.parkNanos(1_000_000);
        if (Thread.interrupted()) {
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while writing to the SSH gateway");
        }
      }
      if (!open || !ws.send(ByteString.of(b, off, len))) {
        throw new IOException("SSH gateway connection is closed");
      }
    }

    @Override
    public void close() {
      WebSocketSshConnection.this.close();
    }
  }
}
