package cloud.tenki.sandbox;

import java.net.InetSocketAddress;

/**
 * A local TCP port on the loopback interface that forwards every accepted connection to the
 * sandbox's SSH server through a fresh gateway WebSocket, from {@link Sandbox#sshForwarder()}. Any
 * SSH client can use it, OpenSSH included:
 *
 * <pre>{@code
 * try (SshForwarder fwd = sandbox.sshForwarder()) {
 *   new ProcessBuilder("ssh", "-p", String.valueOf(fwd.port()), "-i", "id_tenki",
 *       "-o", "CertificateFile=id_tenki-cert.pub", "tenki@127.0.0.1", "echo hi")
 *       .inheritIO().start().waitFor();
 * }
 * }</pre>
 *
 * <p>It listens on 127.0.0.1 only. Every local process can connect to that port while it is open,
 * but the SSH server still demands a valid certificate or authorized key. Closing the forwarder
 * stops listening and closes every forwarded connection. Thread-safe.
 */
public interface SshForwarder extends AutoCloseable {

  /** The local port to connect to. */
  int port();

  /** The local address to connect to (127.0.0.1 and {@link #port()}). */
  InetSocketAddress address();

  /** Stops listening and closes all forwarded connections. Idempotent. */
  @Override
  void close();
}
