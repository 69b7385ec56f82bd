package cloud.tenki.sandbox.fake;

import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.Status;
import io.grpc.inprocess.InProcessServerBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;

/**
 * An in-process fake of the Tenki services that behaves as the wire contract describes: sessions
 * whose home is a temporary host directory, commands run as real local processes with streaming and
 * flow control, credentials that expire, routes that become ready late, and injectable failures.
 * Served in process ({@code inprocess://}) or over h2c on 127.0.0.1.
 *
 * <p>Not isolation: commands run as the test's own user. Use it only with trusted test commands.
 */
public final class FakeTenki implements AutoCloseable {
  static final Context.Key<FakeSession> SESSION = Context.key("fake-session");

  // knobs, settable by tests
  public volatile String token = "test-token";
  public volatile Duration credentialTtl = Duration.ofMinutes(10);
  public volatile int stdinWindowBytes = 64 * 1024;
  public volatile boolean createStartsAsCreating;

  /** Like a server that lost its timer: Run's timeout_ms is not enforced. */
  public volatile boolean ignoreRunTimeouts;

  /**
   * Return the data-plane endpoint as a bare host:port (the official TypeScript SDK needs a URL).
   */
  public volatile boolean bareDataPlaneEndpoint;

  /**
   * Like a server that reports a read's failure only after its last chunk: ReadFileStream sends the
   * file and its eof frame, then fails with this status instead of completing.
   */
  public volatile io.grpc.Status readFailsAfterEof;

  public volatile String gatewayUrl;
  public final AtomicInteger routeNotReady = new AtomicInteger();
  public final AtomicInteger routeFailed = new AtomicInteger();
  public final AtomicInteger dataPlaneUnimplemented = new AtomicInteger();
  public final AtomicInteger runCapabilityUnavailable = new AtomicInteger();

  /** Total stdout and stderr bytes sent by every Run, for flow-control checks. */
  public final AtomicLong outputBytesSent = new AtomicLong();

  final Clock clock;
  final Path root;
  final Map<String, FakeSession> sessions = new ConcurrentHashMap<>();
  final Map<String, Credential> credentials = new ConcurrentHashMap<>();
  final Map<String, Queue<Status>> failures = new ConcurrentHashMap<>();
  final Map<String, AtomicInteger> calls = new ConcurrentHashMap<>();
  final Map<String, Metadata> lastHeaders = new ConcurrentHashMap<>();
  final FakeSsh ssh = new FakeSsh();
  private final AtomicInteger ids = new AtomicInteger();
  private final Server server;
  private final String endpoint;
  private final String dataPlaneEndpoint;

  record Credential(String sessionId, Instant expiresAt) {}

  private FakeTenki(Clock clock, boolean netty) {
    this.clock = clock;
    try {
      this.root = Files.createTempDirectory("tenki-fake-");
      FakeInterceptor auth = new FakeInterceptor(this);
      if (netty) {
        server =
            NettyServerBuilder.forAddress(new InetSocketAddress("127.0.0.1", 0))
                .addService(ServerInterceptors.intercept(new FakeControlPlane(this), auth))
                .addService(ServerInterceptors.intercept(new FakeDataPlane(this), auth))
                .addService(ServerInterceptors.intercept(new FakeSshService(this), auth))
                .build()
                .start();
        int port = ((InetSocketAddress) server.getListenSockets().get(0)).getPort();
        endpoint = "http://127.0.0.1:" + port;
        dataPlaneEndpoint = endpoint;
      } else {
        String name = "tenki-fake-" + UUID.randomUUID();
        server =
            InProcessServerBuilder.forName(name)
                .addService(ServerInterceptors.intercept(new FakeControlPlane(this), auth))
                .addService(ServerInterceptors.intercept(new FakeDataPlane(this), auth))
                .addService(ServerInterceptors.intercept(new FakeSshService(this), auth))
                .build()
                .start();
        endpoint = "inprocess://" + name;
        dataPlaneEndpoint = endpoint;
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A fake served in process, on the real clock. */
  public static FakeTenki inProcess() {
    return new FakeTenki(Clock.systemUTC(), false);
  }

  /** A fake served in process, on the given clock (credential expiry follows it). */
  public static FakeTenki inProcess(Clock clock) {
    return new FakeTenki(clock, false);
  }

  /** A fake served over plaintext HTTP/2 on 127.0.0.1 and an ephemeral port. */
  public static FakeTenki netty() {
    return new FakeTenki(Clock.systemUTC(), true);
  }

  /** The API endpoint to give the SDK. */
  public String endpoint() {
    return endpoint;
  }

  String dataPlaneEndpoint() {
    return bareDataPlaneEndpoint
        ? dataPlaneEndpoint.replaceFirst("^[a-z]+://", "")
        : dataPlaneEndpoint;
  }

  /** Makes the next {@code times} calls of {@code method} fail with {@code status}. */
  public void failNext(String method, Status status, int times) {
    Queue<Status> q = failures.computeIfAbsent(method, k -> new ConcurrentLinkedQueue<>());
    for (int i = 0; i < times; i++) {
      q.add(status);
    }
  }

  /** How many times {@code method} (for example {@code CreateSessionCredential}) was called. */
  public int calls(String method) {
    AtomicInteger n = calls.get(method);
    return n == null ? 0 : n.get();
  }

  /** The headers of the last call of {@code method}. */
  public Metadata lastHeaders(String method) {
    return lastHeaders.get(method);
  }

  /** Every credential stops being accepted (as after a key rotation). */
  public void revokeCredentials() {
    credentials.clear();
  }

  public FakeSession session(String id) {
    return sessions.get(id);
  }

  public List<FakeSession> sessions() {
    return List.copyOf(sessions.values());
  }

  /** The SSH test double: CA, certificate checks, authorized keys. */
  public FakeSsh ssh() {
    return ssh;
  }

  String newId(String prefix) {
    return prefix
        + "_"
        + ids.incrementAndGet()
        + "_"
        + UUID.randomUUID().toString().substring(0, 8);
  }

  @Override
  public void close() {
    sessions.values().forEach(s -> s.runs.forEach(FakeRun::kill));
    ssh.close();
    server.shutdownNow();
    try {
      server.awaitTermination(5, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    deleteTree(root);
  }

  static void deleteTree(Path p) {
    if (!Files.exists(p)) {
      return;
    }
    try (Stream<Path> walk = Files.walk(p)) {
      walk.sorted(Comparator.reverseOrder()).forEach(f -> f.toFile().delete());
    } catch (IOException e) {
      // best effort in tests
    }
  }
}
