package cloud.tenki.engine.net;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.eclipse.jetty.websocket.api.Callback;
import org.eclipse.jetty.websocket.api.Session;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway WebSocket bridged to one SSH connection (public only because Jetty binds its event
 * methods reflectively; not part of the engine's API). Binary frames go to the SSH server as they
 * come, one at a time (the next frame is demanded once the previous one was written), and SSH
 * output is sent frame by frame, each waiting for the previous send to complete.
 */
/** One WebSocket bridged to one SSH connection. */
public final class SshWebSocketBridge implements Session.Listener {
  private static final Logger LOG = LoggerFactory.getLogger(SshWebSocketBridge.class);

  private final SshBackend backend;
  private final String sessionId;
  private volatile Session ws;
  private volatile Socket socket;
  private volatile OutputStream toSsh;

  SshWebSocketBridge(SshBackend backend, String sessionId) {
    this.backend = backend;
    this.sessionId = sessionId;
  }

  @Override
  public void onWebSocketOpen(Session session) {
    ws = session;
    try {
      socket = backend.connect(sessionId);
      toSsh = socket.getOutputStream();
    } catch (IOException e) {
      LOG.warn("SSH server unreachable for session {}: {}", sessionId, e.toString());
      session.close(1011, "ssh unavailable", Callback.NOOP);
      return;
    }
    Thread reader = new Thread(this::pumpToClient, "tenki-ssh-ws-" + sessionId);
    reader.setDaemon(true);
    reader.start();
    session.demand();
  }

  @Override
  public void onWebSocketBinary(ByteBuffer payload, Callback callback) {
    try {
      OutputStream out = toSsh;
      byte[] b = new byte[payload.remaining()];
      payload.get(b);
      out.write(b);
      out.flush();
      callback.succeed();
      ws.demand();
    } catch (IOException | RuntimeException e) {
      callback.fail(e);
      shut();
    }
  }

  @Override
  public void onWebSocketText(String message) {
    ws.demand();
  }

  @Override
  public void onWebSocketPing(ByteBuffer payload) {
    ws.sendPong(payload, Callback.NOOP);
    ws.demand();
  }

  @Override
  public void onWebSocketPong(ByteBuffer payload) {
    ws.demand();
  }

  @Override
  public void onWebSocketClose(int statusCode, String reason) {
    shut();
  }

  @Override
  public void onWebSocketError(Throwable cause) {
    shut();
  }

  private void pumpToClient() {
    byte[] buf = new byte[32 * 1024];
    try (InputStream in = socket.getInputStream()) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        Callback.Completable sent = new Callback.Completable();
        ws.sendBinary(ByteBuffer.wrap(buf, 0, n).duplicate(), sent);
        // wait until the frame left before reusing the buffer: this is the back pressure
        sent.get(5, TimeUnit.MINUTES);
      }
    } catch (IOException | ExecutionException | TimeoutException e) {
      // either side went away
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      Session s = ws;
      if (s != null && s.isOpen()) {
        s.close(1000, "ssh connection closed", Callback.NOOP);
      }
      shut();
    }
  }

  private void shut() {
    Socket s = socket;
    if (s != null) {
      backend.release(s);
      try {
        s.close();
      } catch (IOException e) {
        // closed already
      }
    }
  }
}
