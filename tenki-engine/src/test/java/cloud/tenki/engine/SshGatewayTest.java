package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import cloud.tenki.proto.sandbox.v1.IssueSandboxSSHCertRequest;
import cloud.tenki.proto.sandbox.v1.IssueSandboxSSHCertResponse;
import cloud.tenki.proto.sandbox.v1.ListActiveSSHGatewaysRequest;
import cloud.tenki.proto.sandbox.v1.PauseSessionRequest;
import cloud.tenki.proto.sandbox.v1.SSHGatewayClientServiceGrpc;
import cloud.tenki.proto.sandbox.v1.UpdateSSHAuthorizedKeysRequest;
import io.grpc.stub.MetadataUtils;
import java.io.ByteArrayOutputStream;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.net.http.WebSocketHandshakeException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutionException;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.channel.ChannelShell;
import org.apache.sshd.client.channel.ClientChannelEvent;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.scp.client.ScpClientCreator;
import org.apache.sshd.sftp.client.SftpClient;
import org.apache.sshd.sftp.client.SftpClientFactory;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.io.TempDir;

/**
 * The SSH side of the engine: its CA, gateway discovery (the embedded engine starts its listener on
 * demand), the WebSocket gateway's refusals, and real SSH sessions (exec, pty shell, sftp, scp)
 * that run inside the sandbox, with every refused credential.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class SshGatewayTest {

  private final MutableClock clock = new MutableClock();
  private LocalEngine engine;
  private EngineClient client;
  private EngineClient.Sandbox sb;
  private EngineClient.Sandbox other;
  private SSHGatewayClientServiceGrpc.SSHGatewayClientServiceBlockingStub certs;
  private String gateway;
  private SshClient ssh;

  @BeforeAll
  void start() {
    engine = LocalEngine.builder().clock(clock).token("tk_ssh").start();
    client = new EngineClient(engine.endpoint(), "tk_ssh");
    sb = client.create();
    other = client.create();
    var md = new io.grpc.Metadata();
    md.put(EngineClient.AUTH, "Bearer tk_ssh");
    certs =
        SSHGatewayClientServiceGrpc.newBlockingStub(client.channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    var gw = certs.listActiveSSHGateways(ListActiveSSHGatewaysRequest.getDefaultInstance());
    gateway = gw.getGateways(0).getWsBridgeEndpoint();
    ssh = SshClient.setUpDefaultClient();
    ssh.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    ssh.start();
  }

  @AfterAll
  void stop() throws Exception {
    ssh.stop();
    client.close();
    engine.close();
  }

  static KeyPair keys(String alg) throws Exception {
    if (alg.equals("Ed25519")) {
      return org.apache.sshd.common.config.keys.KeyUtils.generateKeyPair("ssh-ed25519", 256);
    }
    KeyPairGenerator g = KeyPairGenerator.getInstance(alg);
    if (alg.equals("EC")) {
      g.initialize(new ECGenParameterSpec("secp256r1"));
    } else if (alg.equals("RSA")) {
      g.initialize(2048);
    }
    return g.generateKeyPair();
  }

  private IssueSandboxSSHCertResponse issue(String sessionId, PublicKey key, Duration ttl) {
    return certs.issueSandboxSSHCert(
        IssueSandboxSSHCertRequest.newBuilder()
            .setSessionId(sessionId)
            .setPublicKey(PublicKeyEntry.toString(key) + " test@host")
            .setRequestedTtl(com.google.protobuf.Duration.newBuilder().setSeconds(ttl.toSeconds()))
            .build());
  }

  static PublicKey parse(String line) throws Exception {
    return PublicKeyEntry.parsePublicKeyEntry(line)
        .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
  }

  private String url(String sessionId) {
    return gateway + "/v1/ssh/" + sessionId;
  }

  /** Logs in over the gateway with {@code identity} and runs {@code body}. */
  private ClientSession login(String sessionId, KeyPair identity, WsTcpForwarder[] holder)
      throws Exception {
    WsTcpForwarder fwd = new WsTcpForwarder(url(sessionId), "tk_ssh");
    holder[0] = fwd;
    ClientSession s =
        ssh.connect("tenki", "127.0.0.1", fwd.port()).verify(Duration.ofSeconds(20)).getSession();
    s.addPublicKeyIdentity(identity);
    s.auth().verify(Duration.ofSeconds(20));
    return s;
  }

  private String exec(String sessionId, KeyPair identity, String command) throws Exception {
    WsTcpForwarder[] fwd = new WsTcpForwarder[1];
    try (ClientSession s = login(sessionId, identity, fwd)) {
      return s.executeRemoteCommand(command);
    } finally {
      if (fwd[0] != null) {
        fwd[0].close();
      }
    }
  }

  private KeyPair certified(String sessionId, KeyPair user, Duration ttl) throws Exception {
    return new KeyPair(
        parse(issue(sessionId, user.getPublic(), ttl).getSshCert()), user.getPrivate());
  }

  @Test
  void gatewayIsTheEnginesOwnEndpoint() {
    assertThat(engine.endpoint()).startsWith("inprocess://");
    assertThat(gateway).startsWith("ws://127.0.0.1:");
  }

  @Test
  void certificatesSignEd25519EcdsaAndRsaKeysForTenkiAndOneSession() throws Exception {
    for (String alg : List.of("Ed25519", "EC", "RSA")) {
      KeyPair user = keys(alg);
      IssueSandboxSSHCertResponse r = issue(sb.id, user.getPublic(), Duration.ofDays(30));
      OpenSshCertificate cert = (OpenSshCertificate) parse(r.getSshCert());
      assertThat(r.getSshCert()).contains("-cert-v01@openssh.com ");
      assertThat(cert.getCertPubKey()).isEqualTo(user.getPublic());
      assertThat(cert.getPrincipals()).containsExactly("tenki");
      assertThat(cert.getType()).isEqualTo(OpenSshCertificate.Type.USER);
      assertThat(cert.getId()).contains(sb.id);
      assertThat(cert.getCaPubKey()).isEqualTo(parse(r.getCaPub()));
      assertThat(Long.toHexString(cert.getSerial())).isEqualTo(r.getCertSerial());
      // capped at a day whatever was asked
      assertThat(r.getExpiresAt().getSeconds() - clock.instant().getEpochSecond())
          .isBetween(86_000L, 86_400L);
      assertThat(r.getPermissions().getAllowPty()).isTrue();
      assertThat(r.getPermissions().getAllowPortForwardingLocal()).isFalse();
    }
    assertThatThrownBy(
            () ->
                certs.issueSandboxSSHCert(
                    IssueSandboxSSHCertRequest.newBuilder()
                        .setSessionId(sb.id)
                        .setPublicKey("not a key")
                        .build()))
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("public_key");
    assertThatThrownBy(
            () -> issue("no-such-session", keys("EC").getPublic(), Duration.ofMinutes(5)))
        .hasMessageContaining("NOT_FOUND");
  }

  @Test
  void execRunsInsideTheSandboxAsTenki() throws Exception {
    KeyPair id = certified(sb.id, keys("Ed25519"), Duration.ofMinutes(10));
    sb.write("/home/tenki/marker.txt", "inside\n");
    String out = exec(sb.id, id, "id -un; cat marker.txt; cat /etc/hostname; echo $HOME");
    assertThat(out.split("\n"))
        .containsExactly("tenki", "inside", "tenki-" + sb.id.substring(0, 8), "/home/tenki");
  }

  @Test
  void aProcessAnExecLeavesRunningKeepsWritingToIt() throws Exception {
    KeyPair id = certified(sb.id, keys("Ed25519"), Duration.ofMinutes(10));
    // the channel ends once the output has been quiet for a moment; the background process
    // writes later, into pipes that stay open for it, and finishes
    String out = exec(sb.id, id, "(sleep 1; echo later; echo done > ssh-marker) & echo started");
    assertThat(out).startsWith("started\n");
    long deadline = System.nanoTime() + 15_000_000_000L;
    String marker = "";
    while (marker.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(100);
      marker = sb.run("sh", "-c", "cat ssh-marker 2>/dev/null || true").out();
    }
    assertThat(marker).isEqualTo("done\n");
  }

  @Test
  void shellWithAPtyIsARealTerminalInTheSandbox() throws Exception {
    KeyPair id = certified(sb.id, keys("EC"), Duration.ofMinutes(10));
    WsTcpForwarder[] fwd = new WsTcpForwarder[1];
    try (ClientSession s = login(sb.id, id, fwd);
        ChannelShell shell = s.createShellChannel()) {
      shell.setPtyColumns(132);
      shell.setPtyLines(40);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      shell.setOut(out);
      shell.setErr(out);
      shell.open().verify(Duration.ofSeconds(20));
      var in = shell.getInvertedIn();
      in.write("tty; stty size; echo done-$((40+2)); exit 7\n".getBytes(StandardCharsets.UTF_8));
      in.flush();
      shell.waitFor(EnumSet.of(ClientChannelEvent.CLOSED), Duration.ofSeconds(30));
      String text = out.toString(StandardCharsets.UTF_8);
      assertThat(text).contains("/dev/pts/").contains("40 132").contains("done-42");
      assertThat(shell.getExitStatus()).isEqualTo(7);
    } finally {
      fwd[0].close();
    }
  }

  @Test
  void sftpAndScpStayInsideTheSandbox(@TempDir Path tmp) throws Exception {
    assumeTrue(
        Files.isExecutable(Path.of("/usr/lib/openssh/sftp-server")),
        "openssh-sftp-server is not installed");
    KeyPair id = certified(sb.id, keys("EC"), Duration.ofMinutes(10));
    WsTcpForwarder[] fwd = new WsTcpForwarder[1];
    try (ClientSession s = login(sb.id, id, fwd);
        SftpClient sftp = SftpClientFactory.instance().createSftpClient(s)) {
      try (var out = sftp.write("/home/tenki/via-sftp.txt")) {
        out.write("sftp data".getBytes(StandardCharsets.UTF_8));
      }
      assertThat(sb.readText("/home/tenki/via-sftp.txt")).isEqualTo("sftp data");
      // every path, absolute or climbing, is the sandbox's own
      for (String p : List.of("/etc/passwd", "../../../../etc/passwd", "/proc/1/root/etc/passwd")) {
        try (var in = sftp.read(p)) {
          String passwd = new String(in.readAllBytes(), StandardCharsets.UTF_8);
          assertThat(passwd).as(p).contains("tenki:x:1000").isEqualTo(sb.readText("/etc/passwd"));
        } catch (java.io.IOException refused) {
          // unreadable is fine too; what matters is never reading the host's file
        }
      }
      sb.run("ln", "-s", "/etc/shadow", "/home/tenki/shadow-link");
      assertThatThrownBy(() -> sftp.read("/home/tenki/shadow-link").readAllBytes())
          .isInstanceOf(java.io.IOException.class);
      assertThatThrownBy(() -> sftp.write("/usr/bin/planted").close())
          .isInstanceOf(java.io.IOException.class);
    } finally {
      fwd[0].close();
    }
    assumeTrue(Files.isExecutable(Path.of("/usr/bin/scp")), "scp is not installed");
    try (ClientSession s = login(sb.id, id, fwd)) {
      var scp = ScpClientCreator.instance().createScpClient(s);
      Path local = Files.writeString(tmp.resolve("up.txt"), "scp upload");
      scp.upload(local, "/home/tenki/up.txt");
      assertThat(sb.readText("/home/tenki/up.txt")).isEqualTo("scp upload");
      scp.download("/etc/hostname", tmp.resolve("hostname"));
      assertThat(Files.readString(tmp.resolve("hostname")).trim())
          .isEqualTo("tenki-" + sb.id.substring(0, 8));
    } finally {
      fwd[0].close();
    }
  }

  @Test
  void refusedCredentialsSayNothingBeyondAuthFailure() throws Exception {
    KeyPair user = keys("EC");
    // a certificate for another session
    KeyPair forOther = certified(other.id, user, Duration.ofMinutes(10));
    assertThatThrownBy(() -> exec(sb.id, forOther, "true")).hasMessageNotContaining(other.id);
    // a certificate from a CA that is not the engine's
    KeyPair rogueCa = keys("EC");
    OpenSshCertificate rogue =
        OpenSshCertificateBuilder.userCertificate()
            .publicKey(user.getPublic())
            .id("tenki-session:" + sb.id + ":1")
            .principals(List.of("tenki"))
            .validAfter(clock.instant().minusSeconds(60))
            .validBefore(clock.instant().plusSeconds(600))
            .sign(rogueCa);
    assertThatThrownBy(() -> exec(sb.id, new KeyPair(rogue, user.getPrivate()), "true"));
    // the engine's certificate with the wrong private key
    KeyPair cert = certified(sb.id, user, Duration.ofMinutes(10));
    assertThatThrownBy(
        () -> exec(sb.id, new KeyPair(cert.getPublic(), keys("EC").getPrivate()), "true"));
    // a plain key that nobody authorized
    assertThatThrownBy(() -> exec(sb.id, user, "true"));
    // an expired certificate (the engine's clock moves past its end)
    KeyPair shortLived = certified(sb.id, keys("EC"), Duration.ofMinutes(1));
    assertThat(exec(sb.id, shortLived, "echo ok")).isEqualTo("ok\n");
    clock.advance(Duration.ofMinutes(2));
    try {
      assertThatThrownBy(() -> exec(sb.id, shortLived, "echo ok"));
    } finally {
      clock.advance(Duration.ofMinutes(-2));
    }
  }

  @Test
  void authorizedKeysLogInUntilReplaced() throws Exception {
    KeyPair user = keys("Ed25519");
    client.control.updateSSHAuthorizedKeys(
        UpdateSSHAuthorizedKeysRequest.newBuilder()
            .setSessionId(other.id)
            .addSshAuthorizedKeys(PublicKeyEntry.toString(user.getPublic()) + " me@laptop")
            .build());
    assertThat(exec(other.id, user, "echo by-key")).isEqualTo("by-key\n");
    assertThatThrownBy(() -> exec(sb.id, user, "true"));
    client.control.updateSSHAuthorizedKeys(
        UpdateSSHAuthorizedKeysRequest.newBuilder().setSessionId(other.id).build());
    assertThatThrownBy(() -> exec(other.id, user, "true"));
  }

  @Test
  void theSshServerDropsConnectionsThatDidNotComeThroughTheGateway() throws Exception {
    KeyPair id = certified(sb.id, keys("EC"), Duration.ofMinutes(10));
    // make sure the SSH server runs, then try every loopback port this JVM listens on (the
    // engine's HTTP endpoint and its SSH server among them) with a valid certificate for this
    // very session: only the gateway may carry an SSH session
    assertThat(exec(sb.id, id, "echo up")).isEqualTo("up\n");
    List<Integer> ports = listeningLoopbackPorts();
    assertThat(ports.size()).as("endpoint and SSH server listening").isGreaterThanOrEqualTo(2);
    List<Integer> reached = new java.util.ArrayList<>();
    for (int port : ports) {
      try (ClientSession s =
          ssh.connect("tenki", "127.0.0.1", port).verify(Duration.ofSeconds(10)).getSession()) {
        s.addPublicKeyIdentity(id);
        s.auth().verify(Duration.ofSeconds(10));
        s.executeRemoteCommand("true");
        reached.add(port);
      } catch (Exception refused) {
        // dropped, not SSH, or refused: all fine
      }
    }
    assertThat(reached).as("ports that ran a command without the gateway").isEmpty();
  }

  /** Ports this process listens on at 127.0.0.1 (from /proc/net/tcp and its own sockets). */
  private static List<Integer> listeningLoopbackPorts() throws Exception {
    java.util.Set<String> mine = new java.util.HashSet<>();
    try (var fds = Files.newDirectoryStream(Path.of("/proc/self/fd"))) {
      for (Path fd : fds) {
        try {
          String target = Files.readSymbolicLink(fd).toString();
          if (target.startsWith("socket:[")) {
            mine.add(target.substring(8, target.length() - 1));
          }
        } catch (java.io.IOException gone) {
          // closed meanwhile
        }
      }
    }
    List<Integer> ports = new java.util.ArrayList<>();
    // Java sockets are usually IPv6 ones bound to the IPv4-mapped loopback address
    for (String table : List.of("/proc/net/tcp", "/proc/net/tcp6")) {
      for (String line : Files.readAllLines(Path.of(table))) {
        String[] f = line.trim().split("\\s+");
        if (f.length > 9 && f[3].equals("0A") && mine.contains(f[9])) {
          String[] addr = f[1].split(":");
          if (addr[0].endsWith("0100007F")) {
            ports.add(Integer.parseInt(addr[1], 16));
          }
        }
      }
    }
    return ports;
  }

  @Test
  void upgradeRefusalsUseTheGatewayStatuses() throws Exception {
    HttpClient http = HttpClient.newHttpClient();
    WebSocket.Listener noop = new WebSocket.Listener() {};
    assertThat(refusal(() -> WsTcpForwarder.open(http, url(sb.id), null, noop))).isEqualTo(401);
    assertThat(refusal(() -> WsTcpForwarder.open(http, url(sb.id), "tk_wrong", noop)))
        .isEqualTo(401);
    assertThat(refusal(() -> WsTcpForwarder.open(http, url("nope"), "tk_ssh", noop)))
        .isEqualTo(404);
    var paused = client.create();
    client.control.pauseSession(PauseSessionRequest.newBuilder().setSessionId(paused.id).build());
    assertThat(refusal(() -> WsTcpForwarder.open(http, url(paused.id), "tk_ssh", noop)))
        .isEqualTo(409);
    assertThat(
            refusal(
                () ->
                    http.newWebSocketBuilder()
                        .header("Authorization", "Bearer tk_ssh")
                        .header("Origin", "http://127.0.0.1:3000")
                        .buildAsync(java.net.URI.create(url(sb.id)), noop)
                        .get(20, java.util.concurrent.TimeUnit.SECONDS)))
        .isEqualTo(403);
    WebSocket ok = WsTcpForwarder.open(http, url(sb.id), "tk_ssh", noop);
    ok.abort();
  }

  interface Opener {
    WebSocket open() throws Exception;
  }

  private static int refusal(Opener o) {
    try {
      o.open().abort();
      return 101;
    } catch (ExecutionException e) {
      if (e.getCause() instanceof WebSocketHandshakeException h) {
        return h.getResponse().statusCode();
      }
      throw new AssertionError(e);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }
}
