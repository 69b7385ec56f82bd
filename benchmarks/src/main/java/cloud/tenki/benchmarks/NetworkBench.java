package cloud.tenki.benchmarks;

import cloud.tenki.engine.LocalEngine;
import cloud.tenki.proto.sandbox.v1.*;
import cloud.tenki.sandbox.SshCertificate;
import cloud.tenki.sandbox.SshForwarder;
import cloud.tenki.sandbox.TenkiClient;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import io.grpc.stub.MetadataUtils;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;

/**
 * The engine's network paths, each next to its baseline in the same run:
 *
 * <ul>
 *   <li>{@code exec true} (raw gRPC {@code Run} stubs over h2c) through the engine's endpoint
 *       (Jetty, bridged onto the in-process server) and through a grpc-netty server serving the
 *       same service definitions directly (the engine's previous listener), interleaved;
 *   <li>a preview URL: request latency (keep-alive and a new connection per request) and download
 *       throughput through the preview proxy to a Node HTTP server in a sandbox, against the same
 *       server program run on the host and reached directly;
 *   <li>SSH: the round trip of {@code exec true} on an open SSH session through the WebSocket
 *       gateway (Apache MINA client via the SDK's forwarder), and the connect-and-login time.
 * </ul>
 *
 * <p>Args: {@code [execs] [requests] [downloadMiB] [sshExecs]}.
 */
public final class NetworkBench {

  private static final Metadata.Key<String> AUTH =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> CERT =
      Metadata.Key.of("x-tenki-session-cert", Metadata.ASCII_STRING_MARSHALLER);

  public static void main(String[] args) throws Exception {
    int execs = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int requests = args.length > 1 ? Integer.parseInt(args[1]) : 500;
    int mib = args.length > 2 ? Integer.parseInt(args[2]) : 256;
    int sshExecs = args.length > 3 ? Integer.parseInt(args[3]) : 100;
    Path state = Files.createTempDirectory(Path.of("/tmp"), "tenki-netbench-");
    System.out.printf(
        "host: %d cores, %s, java %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.version"));
    try (LocalEngine engine =
        LocalEngine.builder()
            .stateDir(state)
            .deleteStateOnClose(true)
            .listen("127.0.0.1", 0)
            .start()) {
      System.out.printf("engine: isolation=%s at %s%n", engine.isolation(), engine.endpoint());
      Server netty =
          NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
              .addServices(engine.services())
              .build()
              .start();
      URI ep = URI.create(engine.endpoint());
      ManagedChannel viaJetty =
          NettyChannelBuilder.forAddress(ep.getHost(), ep.getPort()).usePlaintext().build();
      ManagedChannel viaNetty =
          NettyChannelBuilder.forAddress("127.0.0.1", netty.getPort()).usePlaintext().build();
      ManagedChannel inproc = InProcessChannelBuilder.forName(engine.inProcessName()).build();
      try {
        Metadata bearer = new Metadata();
        bearer.put(AUTH, "Bearer " + engine.token());
        var control =
            SandboxServiceGrpc.newBlockingStub(inproc)
                .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(bearer));
        CreateSessionResponse sb =
            control.createSession(CreateSessionRequest.newBuilder().setWaitReady(true).build());
        execs(sb, viaJetty, viaNetty, execs);
        previews(engine, control, sb, requests, mib);
        ssh(engine, sb, sshExecs);
      } finally {
        viaJetty.shutdownNow();
        viaNetty.shutdownNow();
        inproc.shutdownNow();
        netty.shutdownNow();
      }
    }
  }

  // ---- exec over the two listeners ------------------------------------------------------------

  private static void execs(
      CreateSessionResponse sb, ManagedChannel jetty, ManagedChannel netty, int n)
      throws Exception {
    Metadata md = new Metadata();
    md.put(CERT, sb.getCredential().getCredential());
    var j =
        SandboxSessionDataPlaneServiceGrpc.newStub(jetty)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    var k =
        SandboxSessionDataPlaneServiceGrpc.newStub(netty)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    String id = sb.getSession().getId();
    for (int i = 0; i < 30; i++) {
      Exec.run(j, id);
      Exec.run(k, id);
    }
    double[] viaJetty = new double[n];
    double[] viaNetty = new double[n];
    for (int i = 0; i < n; i++) {
      viaJetty[i] = time(() -> Exec.run(j, id));
      viaNetty[i] = time(() -> Exec.run(k, id));
    }
    report("exec true, engine endpoint (Jetty h2c bridge)", viaJetty);
    report("exec true, grpc-netty listener (previous)", viaNetty);
    System.out.printf(
        Locale.ROOT,
        "ratio (p50): endpoint/netty=%.2fx%n",
        Stats.percentile(viaJetty, 50) / Stats.percentile(viaNetty, 50));
  }

  // ---- preview proxy vs direct ----------------------------------------------------------------

  private static void previews(
      LocalEngine engine,
      SandboxServiceGrpc.SandboxServiceBlockingStub control,
      CreateSessionResponse sb,
      int n,
      int mib)
      throws Exception {
    String script;
    try (InputStream in = NetworkBench.class.getResourceAsStream("/bench-http-server.js")) {
      script = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
    Path hostScript = Files.createTempFile("bench-http-server", ".js");
    Files.writeString(hostScript, script);
    Process host =
        new ProcessBuilder("node", hostScript.toString(), "0").redirectErrorStream(true).start();
    try {
      int hostPort =
          Integer.parseInt(
              new BufferedReader(new InputStreamReader(host.getInputStream())).readLine().trim());
      String id = sb.getSession().getId();
      Exec.writeAndStart(engine, sb, script);
      String preview =
          control
              .exposePort(ExposePortRequest.newBuilder().setSessionId(id).setPort(3000).build())
              .getPreviewUrl();
      String direct = "http://127.0.0.1:" + hostPort + "/";
      HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
      waitUp(http, preview + "small");
      for (int i = 0; i < 50; i++) {
        get(http, direct + "small");
        get(http, preview + "small");
      }
      double[] d = new double[n];
      double[] p = new double[n];
      for (int i = 0; i < n; i++) {
        d[i] = time(() -> get(http, direct + "small"));
        p[i] = time(() -> get(http, preview + "small"));
      }
      report("GET 2 B keep-alive, direct to host server", d);
      report("GET 2 B keep-alive, through preview URL", p);
      int fresh = Math.max(20, n / 5);
      double[] dn = new double[fresh];
      double[] pn = new double[fresh];
      for (int i = 0; i < fresh; i++) {
        dn[i] = time(() -> rawGet(direct, "/small"));
        pn[i] = time(() -> rawGet(preview, "/small"));
      }
      report("GET 2 B new connection, direct", dn);
      report("GET 2 B new connection, preview", pn);
      long bytes = mib * 1024L * 1024L;
      double td = 0;
      double tp = 0;
      for (int i = 0; i < 3; i++) {
        td =
            Math.max(
                td, bytes / 1048576.0 / (time(() -> rawGet(direct, "/big?bytes=" + bytes)) / 1000));
        tp =
            Math.max(
                tp,
                bytes / 1048576.0 / (time(() -> rawGet(preview, "/big?bytes=" + bytes)) / 1000));
      }
      System.out.printf(
          Locale.ROOT,
          "download %d MiB (best of 3): direct %.0f MiB/s, preview %.0f MiB/s%n",
          mib,
          td,
          tp);
      System.out.printf(
          Locale.ROOT,
          "ratios: keep-alive p50 preview/direct=%.2fx  new-connection p50 preview/direct=%.2fx"
              + "  throughput preview/direct=%.2f%n",
          Stats.percentile(p, 50) / Stats.percentile(d, 50),
          Stats.percentile(pn, 50) / Stats.percentile(dn, 50),
          tp / td);
    } finally {
      host.destroyForcibly();
      Files.deleteIfExists(hostScript);
    }
  }

  private static void waitUp(HttpClient http, String url) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (System.nanoTime() < deadline) {
      if (http.send(
                  HttpRequest.newBuilder(URI.create(url)).build(),
                  HttpResponse.BodyHandlers.discarding())
              .statusCode()
          == 200) {
        return;
      }
      Thread.sleep(50);
    }
    throw new IllegalStateException("the sandbox's server did not come up");
  }

  private static void get(HttpClient http, String url) throws Exception {
    HttpResponse<byte[]> r =
        http.send(
            HttpRequest.newBuilder(URI.create(url)).build(),
            HttpResponse.BodyHandlers.ofByteArray());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(url + " answered " + r.statusCode());
    }
  }

  /** One request on a fresh connection, reading the whole response (Connection: close). */
  private static void rawGet(String base, String path) throws Exception {
    URI u = URI.create(base);
    try (Socket s = new Socket(u.getHost(), u.getPort())) {
      s.setTcpNoDelay(true);
      OutputStream out = s.getOutputStream();
      out.write(
          ("GET " + path + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      InputStream in = s.getInputStream();
      byte[] buf = new byte[256 * 1024];
      long total = 0;
      int k;
      while ((k = in.read(buf)) >= 0) {
        total += k;
      }
      if (total < 12) {
        throw new IllegalStateException("short response");
      }
    }
  }

  // ---- SSH over the WebSocket gateway -----------------------------------------------------------

  private static void ssh(LocalEngine engine, CreateSessionResponse sb, int n) throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    KeyPair user = g.generateKeyPair();
    String id = sb.getSession().getId();
    try (TenkiClient client =
            TenkiClient.builder()
                .environment(Map.of())
                .endpoint(engine.endpoint())
                .token(engine.token())
                .build();
        SshForwarder fwd = client.sshForwarder(id)) {
      SshCertificate cert =
          client.issueSshCert(
              id, PublicKeyEntry.toString(user.getPublic()), Duration.ofMinutes(30));
      KeyPair identity =
          new KeyPair(
              PublicKeyEntry.parsePublicKeyEntry(cert.sshCert())
                  .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING),
              user.getPrivate());
      SshClient ssh = SshClient.setUpDefaultClient();
      ssh.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
      org.apache.sshd.core.CoreModuleProperties.TCP_NODELAY.set(ssh, true);
      ssh.start();
      try {
        double[] connect = new double[10];
        for (int i = 0; i < connect.length; i++) {
          connect[i] = time(() -> login(ssh, fwd.port(), identity).close());
        }
        try (ClientSession s = login(ssh, fwd.port(), identity)) {
          for (int i = 0; i < 20; i++) {
            s.executeRemoteCommand("true");
          }
          double[] rt = new double[n];
          for (int i = 0; i < n; i++) {
            rt[i] = time(() -> s.executeRemoteCommand("true"));
          }
          report("SSH connect + certificate login via gateway", connect);
          report("SSH exec true on an open session via gateway", rt);
        }
      } finally {
        ssh.stop();
      }
    }
  }

  private static ClientSession login(SshClient ssh, int port, KeyPair identity) throws Exception {
    ClientSession s =
        ssh.connect("tenki", "127.0.0.1", port).verify(Duration.ofSeconds(20)).getSession();
    s.addPublicKeyIdentity(identity);
    s.auth().verify(Duration.ofSeconds(20));
    return s;
  }

  // ---- helpers ----------------------------------------------------------------------------------

  interface Body {
    void run() throws Exception;
  }

  private static double time(Body b) throws Exception {
    long t0 = System.nanoTime();
    b.run();
    return (System.nanoTime() - t0) / 1e6;
  }

  static void report(String name, double[] ms) {
    System.out.printf(
        Locale.ROOT,
        "%-50s n=%4d  p50=%8.2f ms  p90=%8.2f ms  p99=%8.2f ms%n",
        name,
        ms.length,
        Stats.percentile(ms, 50),
        Stats.percentile(ms, 90),
        Stats.percentile(ms, 99));
  }
}
