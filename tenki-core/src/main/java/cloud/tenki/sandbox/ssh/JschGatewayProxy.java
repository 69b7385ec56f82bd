package cloud.tenki.sandbox.ssh;

import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.SshConnection;
import com.jcraft.jsch.Proxy;
import com.jcraft.jsch.SocketFactory;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.util.Objects;

/**
 * Lets JSch ({@code com.github.mwiede:jsch}, an optional dependency) reach a sandbox's SSH server
 * through the gateway WebSocket without a local port: the host and port JSch is given are ignored.
 *
 * <pre>{@code
 * JSch jsch = new JSch();
 * jsch.addIdentity("id_tenki");
 * Session session = jsch.getSession("tenki", "sandbox", 22);
 * session.setProxy(new JschGatewayProxy(sandbox));
 * session.setConfig("StrictHostKeyChecking", "no");
 * session.connect(20_000);
 * }</pre>
 *
 * <p>One proxy serves one JSch session; {@link #close()} closes the WebSocket. Not thread-safe
 * beyond what JSch needs (it connects once, then reads and writes from its own threads).
 */
public final class JschGatewayProxy implements Proxy {
  private final Sandbox sandbox;
  private SshConnection connection;

  /** A proxy that connects to {@code sandbox}'s SSH server when JSch asks. */
  public JschGatewayProxy(Sandbox sandbox) {
    this.sandbox = Objects.requireNonNull(sandbox, "sandbox");
  }

  @Override
  public void connect(SocketFactory socketFactory, String host, int port, int timeout) {
    connection = sandbox.ssh();
  }

  @Override
  public InputStream getInputStream() {
    return connection.inputStream();
  }

  @Override
  public OutputStream getOutputStream() {
    return connection.outputStream();
  }

  /** There is no socket: JSch then skips socket options. */
  @Override
  public Socket getSocket() {
    return null;
  }

  @Override
  public void close() {
    if (connection != null) {
      connection.close();
    }
  }
}
