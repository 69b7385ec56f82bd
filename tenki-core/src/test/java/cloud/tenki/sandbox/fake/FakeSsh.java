package cloud.tenki.sandbox.fake;

import cloud.tenki.proto.sandbox.v1.SessionState;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.Socket;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import okhttp3.WebSocket;
import okhttp3.WebSocketListener;
import okhttp3.mockwebserver.Dispatcher;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import okio.ByteString;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.server.SshServer;
import org.apache.sshd.server.keyprovider.SimpleGeneratorHostKeyProvider;
import org.apache.sshd.server.shell.ProcessShellCommandFactory;

/**
 * The SSH side of the fake: a CA that signs user keys, a real Apache MINA SSH server that accepts
 * certificates from that CA (or keys planted with UpdateSSHAuthorizedKeys) for user {@code tenki},
 * and a WebSocket gateway (OkHttp MockWebServer) that bridges {@code /v1/ssh/{id}} to it.
 */
public final class FakeSsh implements AutoCloseable {
  private final KeyPair ca;
  private final AtomicLong serials = new AtomicLong();
  private SshServer sshd;
  private MockWebServer gateway;

  FakeSsh() {
    this.ca = newEcKeyPair();
  }

  /** A fresh EC P-256 key pair (supported by the JDK, MINA and JSch alike). */
  public static KeyPair newEcKeyPair() {
    try {
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      return g.generateKeyPair();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** The OpenSSH line of a public key or certificate. */
  public static String line(PublicKey key) {
    return PublicKeyEntry.toString(key);
  }

  /** Parses an OpenSSH public key or certificate line. */
  public static PublicKey parse(String line) {
    try {
      return PublicKeyEntry.parsePublicKeyEntry(line.strip())
          .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
    } catch (Exception e) {
      throw new IllegalArgumentException("not an OpenSSH public key: " + e.getMessage(), e);
    }
  }

  String caPublicKey() {
    return line(ca.getPublic());
  }

  /** Signs a user key for {@code tenki}, valid for {@code ttl}. */
  OpenSshCertificate sign(String publicKeyLine, Duration ttl, String sessionId) {
    try {
      Instant now = Instant.now();
      return OpenSshCertificateBuilder.userCertificate()
          .publicKey(parse(publicKeyLine))
          .serial(serials.incrementAndGet())
          .id(sessionId)
          .principals(List.of("tenki"))
          .validAfter(now.minusSeconds(60))
          .validBefore(now.plus(ttl))
          .extension("permit-pty", "")
          .sign(
              ca,
              KeyUtils.EC_ALGORITHM.equals(ca.getPublic().getAlgorithm())
                  ? "ecdsa-sha2-nistp256"
                  : null);
    } catch (IllegalArgumentException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  /** Starts the SSH server and the WebSocket gateway (once) and returns the gateway's base URL. */
  public synchronized String startGateway(FakeTenki fake) {
    if (gateway != null) {
      return gateway.url("/").toString().replaceAll("/$", "");
    }
    try {
      sshd = SshServer.setUpDefaultServer();
      sshd.setHost("127.0.0.1");
      sshd.setPort(0);
      sshd.setKeyPairProvider(new SimpleGeneratorHostKeyProvider());
      sshd.setCommandFactory(ProcessShellCommandFactory.INSTANCE);
      sshd.setPublickeyAuthenticator(
          (user, key, session) -> "tenki".equals(user) && accepted(fake, key));
      sshd.start();
      gateway = new MockWebServer();
      gateway.setDispatcher(new Bridge(fake, sshd.getPort()));
      gateway.start(InetAddress.getLoopbackAddress(), 0);
      String url = gateway.url("/").toString().replaceAll("/$", "");
      fake.gatewayUrl = url;
      return url;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private boolean accepted(FakeTenki fake, PublicKey key) {
    if (key instanceof OpenSshCertificate cert) {
      // MINA has already checked the CA signature, validity window and key possession
      return KeyUtils.compareKeys(cert.getCaPubKey(), ca.getPublic())
          && cert.getPrincipals().contains("tenki");
    }
    String offered = line(key);
    return fake.sessions.values().stream()
        .flatMap(s -> s.authorizedKeys.stream())
        .map(k -> k.strip().split("\\s+"))
        .anyMatch(parts -> parts.length >= 2 && offered.startsWith(parts[0] + " " + parts[1]));
  }

  /** The bytes the SSH server's port receives and sends, through a gateway WebSocket. */
  private static final class Bridge extends Dispatcher {
    private final FakeTenki fake;
    private final int sshPort;

    Bridge(FakeTenki fake, int sshPort) {
      this.fake = fake;
      this.sshPort = sshPort;
    }

    @Override
    public MockResponse dispatch(RecordedRequest request) {
      String path = request.getPath() == null ? "" : request.getPath();
      String expected = fake.token;
      String auth = request.getHeader("Authorization");
      if (auth == null || (expected != null && !auth.equals("Bearer " + expected))) {
        return new MockResponse().setResponseCode(401);
      }
      if (!path.startsWith("/v1/ssh/")) {
        return new MockResponse().setResponseCode(404);
      }
      FakeSession s = fake.sessions.get(path.substring("/v1/ssh/".length()));
      if (s == null) {
        return new MockResponse().setResponseCode(404);
      }
      if (s.state() != SessionState.SESSION_STATE_RUNNING) {
        return new MockResponse().setResponseCode(409);
      }
      return new MockResponse().withWebSocketUpgrade(new Pipe(sshPort));
    }
  }

  private static final class Pipe extends WebSocketListener {
    private final int sshPort;
    private volatile Socket socket;

    Pipe(int sshPort) {
      this.sshPort = sshPort;
    }

    @Override
    public void onOpen(WebSocket ws, okhttp3.Response response) {
      try {
        socket = new Socket(InetAddress.getLoopbackAddress(), sshPort);
      } catch (IOException e) {
        ws.close(1011, "ssh server unreachable");
        return;
      }
      Thread t =
          new Thread(
              () -> {
                byte[] buf = new byte[16 * 1024];
                try (InputStream in = socket.getInputStream()) {
                  int n;
                  while ((n = in.read(buf)) >= 0) {
                    ws.send(ByteString.of(buf, 0, n));
                  }
                } catch (IOException e) {
                  // the socket closed
                }
                ws.close(1000, null);
              },
              "fake-gateway");
      t.setDaemon(true);
      t.start();
    }

    @Override
    public void onMessage(WebSocket ws, ByteString bytes) {
      try {
        OutputStream out = socket.getOutputStream();
        out.write(bytes.toByteArray());
        out.flush();
      } catch (IOException e) {
        ws.close(1011, "ssh server gone");
      }
    }

    @Override
    public void onClosing(WebSocket ws, int code, String reason) {
      closeSocket();
      ws.close(1000, null);
    }

    @Override
    public void onFailure(WebSocket ws, Throwable t, okhttp3.Response response) {
      closeSocket();
    }

    private void closeSocket() {
      try {
        if (socket != null) {
          socket.close();
        }
      } catch (IOException ignored) {
        // closing
      }
    }
  }

  @Override
  public synchronized void close() {
    try {
      if (gateway != null) {
        gateway.shutdown();
      }
      if (sshd != null) {
        sshd.stop(true);
      }
    } catch (IOException e) {
      // best effort in tests
    }
  }
}
