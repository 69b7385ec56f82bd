package cloud.tenki.sandbox;

import java.io.InputStream;
import java.io.OutputStream;

/**
 * A raw byte transport to a sandbox's SSH server through the SSH gateway's WebSocket, from {@link
 * Sandbox#ssh()}. Run any SSH client protocol over the two streams (the SSH user is {@code tenki};
 * authenticate with a certificate from {@link Sandbox#issueSshCert}). For clients that want a host
 * and port (OpenSSH, Apache MINA SSHD, JSch), use {@link Sandbox#sshForwarder()} instead; for JSch
 * without a port see {@code cloud.tenki.sandbox.ssh.JschGatewayProxy}.
 *
 * <p>Memory is bounded in both directions: reading stops the gateway when the reader falls behind,
 * and writing blocks while the outgoing queue is full. One thread may read while another writes.
 *
 * <pre>{@code
 * try (SshConnection conn = sandbox.ssh()) {
 *   conn.outputStream().write(sshClientHello);
 *   int n = conn.inputStream().read(buffer);
 * }
 * }</pre>
 */
public interface SshConnection extends AutoCloseable {

  /** Bytes from the sandbox's SSH server; ends when the gateway closes the connection. */
  InputStream inputStream();

  /** Bytes to the sandbox's SSH server. */
  OutputStream outputStream();

  /** Whether the WebSocket is still open. */
  boolean isOpen();

  /** Closes the WebSocket. Idempotent. */
  @Override
  void close();
}
