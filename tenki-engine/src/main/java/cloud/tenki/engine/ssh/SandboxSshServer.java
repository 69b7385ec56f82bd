package cloud.tenki.engine.ssh;

import cloud.tenki.engine.net.SshBackend;
import cloud.tenki.engine.session.Session;
import cloud.tenki.engine.session.SessionManager;
import cloud.tenki.proto.sandbox.v1.SessionState;
import io.grpc.StatusRuntimeException;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Path;
import java.security.PublicKey;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.apache.sshd.common.AttributeRepository;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.session.SessionListener;
import org.apache.sshd.core.CoreModuleProperties;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.forward.RejectAllForwardingFilter;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.session.ServerSession;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The SSH server behind the WebSocket gateway: Apache MINA SSHD on a loopback port that only the
 * gateway's own sockets may use. Each gateway connection is bound to one session before it connects
 * (by its local port), so an SSH session always runs in the sandbox its WebSocket named; a
 * connection nobody registered is dropped at once. Login is {@code tenki} with a certificate from
 * the engine's CA for that session, or a key from the session's authorized keys. Exec, shells (with
 * a pty), sftp and scp run inside the sandbox as {@code tenki}; forwarding is refused.
 *
 * <p>Thread-safe; starts the SSH server on first use.
 */
public final class SandboxSshServer implements SshBackend, AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxSshServer.class);
  static final AttributeRepository.AttributeKey<String> SESSION_ID =
      new AttributeRepository.AttributeKey<>();

  private final SessionManager sessions;
  private final SshCa ca;
  private final Path hostKey;
  private final Map<Integer, String> pending = new ConcurrentHashMap<>();
  private SshServer server;
  private boolean closed;

  public SandboxSshServer(SessionManager sessions, SshCa ca, Path hostKey) {
    this.sessions = sessions;
    this.ca = ca;
    this.hostKey = hostKey;
  }

  @Override
  public int admit(String sessionId) {
    Session s;
    try {
      s = sessions.get(sessionId);
    } catch (StatusRuntimeException e) {
      return 404;
    }
    return s.state() == SessionState.SESSION_STATE_RUNNING ? 0 : 409;
  }

  @Override
  public Socket connect(String sessionId) throws IOException {
    InetSocketAddress target = address();
    Socket socket = new Socket();
    socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
    pending.put(socket.getLocalPort(), sessionId);
    try {
      socket.setTcpNoDelay(true);
      socket.connect(target, 5000);
      return socket;
    } catch (IOException e) {
      release(socket);
      socket.close();
      throw e;
    }
  }

  @Override
  public void release(Socket socket) {
    pending.remove(socket.getLocalPort());
  }

  private synchronized InetSocketAddress address() throws IOException {
    if (closed) {
      throw new IOException("engine is closed");
    }
    if (server == null) {
      server = build();
      server.start();
      LOG.debug("SSH server for the gateway on port {}", server.getPort());
    }
    return new InetSocketAddress(InetAddress.getLoopbackAddress(), server.getPort());
  }

  private SshServer build() {
    SshServer s = SshServer.setUpDefaultServer();
    s.setHost(InetAddress.getLoopbackAddress().getHostAddress());
    s.setPort(0);
    // interactive traffic: small packets must not wait for Nagle's algorithm
    CoreModuleProperties.TCP_NODELAY.set(s, true);
    SimpleGeneratorHostKeyProvider keys = new SimpleGeneratorHostKeyProvider(hostKey);
    keys.setAlgorithm(KeyUtils.EC_ALGORITHM);
    keys.setKeySize(256);
    s.setKeyPairProvider(keys);
    s.setPasswordAuthenticator(null);
    s.setKeyboardInteractiveAuthenticator(null);
    s.setGSSAuthenticator(null);
    s.setHostBasedAuthenticator(null);
    s.setPublickeyAuthenticator(this::authenticate);
    s.setForwardingFilter(RejectAllForwardingFilter.INSTANCE);
    s.setAgentFactory(null);
    s.setShellFactory(channel -> new SandboxCommand(sessionOf(channel), null, null));
    s.setCommandFactory(
        (channel, command) -> new SandboxCommand(sessionOf(channel), command, null));
    s.setSubsystemFactories(List.of(new SftpInSandbox(this::sessionOf)));
    s.addSessionListener(
        new SessionListener() {
          @Override
          public void sessionCreated(org.apache.sshd.common.session.Session session) {
            bind(session);
          }
        });
    return s;
  }

  /** Ties a new SSH connection to the session its gateway socket registered, or drops it. */
  private void bind(org.apache.sshd.common.session.Session session) {
    String id = null;
    if (session.getRemoteAddress() instanceof InetSocketAddress a
        && a.getAddress().isLoopbackAddress()) {
      id = pending.get(a.getPort());
    }
    if (id == null) {
      LOG.warn("dropping an SSH connection that did not come through the gateway");
      session.close(true);
      return;
    }
    session.setAttribute(SESSION_ID, id);
  }

  Session sessionOf(ChannelSession channel) throws IOException {
    String id = channel.getSession().getAttribute(SESSION_ID);
    try {
      Session s = sessions.get(id);
      s.requireRunning();
      return s;
    } catch (StatusRuntimeException e) {
      throw new IOException("sandbox is not available");
    }
  }

  private boolean authenticate(String user, PublicKey key, ServerSession ss) {
    String id = ss.getAttribute(SESSION_ID);
    if (!SshCa.PRINCIPAL.equals(user) || id == null) {
      return false;
    }
    Session s;
    try {
      s = sessions.get(id);
    } catch (StatusRuntimeException e) {
      return false;
    }
    if (s.state() != SessionState.SESSION_STATE_RUNNING) {
      return false;
    }
    if (key instanceof OpenSshCertificate cert) {
      return ca.accepts(cert, id);
    }
    for (String line : s.sshAuthorizedKeys()) {
      if (KeyUtils.compareKeys(parse(line), key)) {
        return true;
      }
    }
    return false;
  }

  private static PublicKey parse(String line) {
    try {
      return PublicKeyEntry.parsePublicKeyEntry(line)
          .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.IGNORING);
    } catch (Exception e) {
      return null;
    }
  }

  @Override
  public synchronized void close() {
    closed = true;
    if (server != null) {
      try {
        server.stop(true);
      } catch (IOException e) {
        // stopping anyway
      }
    }
  }
}
