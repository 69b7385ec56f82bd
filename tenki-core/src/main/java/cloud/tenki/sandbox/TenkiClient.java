package cloud.tenki.sandbox;

import cloud.tenki.proto.sandbox.v1.SandboxProto;
import cloud.tenki.sandbox.internal.config.ClientSettings;
import cloud.tenki.sandbox.internal.config.TenkiEnvironment;
import cloud.tenki.sandbox.internal.control.ControlPlane;
import cloud.tenki.sandbox.internal.engine.EngineLauncher;
import cloud.tenki.sandbox.internal.retry.Retrier;
import cloud.tenki.sandbox.internal.retry.TimeSource;
import cloud.tenki.sandbox.internal.ssh.LoopbackForwarder;
import cloud.tenki.sandbox.internal.ssh.SshGateway;
import cloud.tenki.sandbox.internal.transport.ChannelPool;
import cloud.tenki.sandbox.internal.transport.Endpoint;
import cloud.tenki.spi.EmbeddedEngine;
import java.time.Clock;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import okhttp3.OkHttpClient;
import org.slf4j.LoggerFactory;

/**
 * The entry point of the Tenki Sandbox SDK: one shareable, immutable, thread-safe client per
 * application. It owns its connections (and, for the local engine, the engine) and releases them on
 * {@link #close()}.
 *
 * <p>{@link #create()} reads the environment: the token from {@code TENKI_AUTH_TOKEN}, else {@code
 * TENKI_API_KEY}; the endpoint from {@code TENKI_API_ENDPOINT}, else {@code TENKI_API_URL}, else
 * {@code https://api.tenki.cloud}; the SSH gateway from {@code TENKI_SANDBOX_GATEWAY_URL}. The
 * endpoint {@code local} starts the embedded engine ({@code cloud.tenki:tenki-engine} on the class
 * path); against it, an {@code inprocess://} engine or a loopback {@code http://} engine no token
 * is needed.
 *
 * <pre>{@code
 * try (TenkiClient client = TenkiClient.create();
 *     Sandbox sb = client.sandboxes().create(CreateSandboxOptions.builder()
 *         .projectId("proj_123").cpuCores(2).memoryMb(4096).build())) {
 *   System.out.println(sb.exec("uname", "-a").check().stdoutText());
 * }
 * }</pre>
 */
public final class TenkiClient implements AutoCloseable {
  private static final String USER_AGENT = "tenki-java/0.1";

  private final Endpoint endpoint;
  private final String token;
  private final EmbeddedEngine engine;
  private final ChannelPool channels;
  private final ControlPlane control;
  private final TimeSource time;
  private final SshGateway ssh;
  private final Duration callTimeout;
  private final Object httpLock = new Object();
  private OkHttpClient http;
  private final Sandboxes sandboxes;
  private final Volumes volumes;
  private final PreviewUrls previewUrls;

  private TenkiClient(Builder b) {
    TenkiEnvironment env = b.environment == null ? TenkiEnvironment.system() : b.environment;
    ClientSettings s =
        ClientSettings.resolve(b.endpoint, b.token, b.gatewayUrl, b.localEngine, env);
    Endpoint requested = Endpoint.parseApi(s.endpoint());
    String tok = s.token();
    if (requested.kind() == Endpoint.Kind.LOCAL) {
      ClassLoader loader =
          b.engineClassLoader != null ? b.engineClassLoader : TenkiClient.class.getClassLoader();
      this.engine = EngineLauncher.start(loader, b.engineSettings);
      requested = Endpoint.parseApi(engine.endpoint());
      tok = engine.token();
    } else {
      this.engine = null;
    }
    this.endpoint = requested;
    this.token = tok;
    this.callTimeout = b.callTimeout;
    this.time = new TimeSource(b.clock, b.sleeper);
    this.channels = new ChannelPool(USER_AGENT);
    Retrier retrier = new Retrier(4, Duration.ofMillis(100), Duration.ofSeconds(2), time);
    try {
      this.control = new ControlPlane(channels.channel(endpoint), token, retrier, callTimeout);
    } catch (RuntimeException e) {
      channels.close();
      if (engine != null) {
        engine.close(); // started above and not handed to anyone yet
      }
      throw e;
    }
    this.ssh =
        new SshGateway(endpoint, token, s.gatewayUrl(), this::http, control.channel(), callTimeout);
    this.sandboxes = new Sandboxes(this);
    this.volumes = new Volumes(control);
    this.previewUrls = new PreviewUrls(control);
  }

  /** A client configured from the environment (see the class description). */
  public static TenkiClient create() {
    return builder().build();
  }

  /** A builder; anything not set explicitly comes from the environment. */
  public static Builder builder() {
    return new Builder();
  }

  /** Creating, finding and listing sandboxes. */
  public Sandboxes sandboxes() {
    return sandboxes;
  }

  /** Persistent volumes. */
  public Volumes volumes() {
    return volumes;
  }

  /** Named preview URLs. */
  public PreviewUrls previewUrls() {
    return previewUrls;
  }

  /** The API endpoint in use (for the local engine: the engine's own endpoint). */
  public String endpoint() {
    return endpoint.base();
  }

  /**
   * Does now, ahead of the first real request, what that request would otherwise pay for: opens the
   * connection to the API (or has the embedded engine answer its first request) with one listing of
   * sandboxes, and loads the descriptions of the wire messages. Creates nothing and changes
   * nothing. Optional; blocks for that one request, so call it on a thread of your own, for example
   * while the application starts. Never throws: a backend that cannot be reached is reported by the
   * first real request.
   */
  public void warmUp() {
    try {
      // building the wire messages' descriptions takes a cold JVM about 0.15 s; a request with a
      // map field (creating a sandbox does) needs them
      SandboxProto.getDescriptor();
      try (Stream<SandboxInfo> listed = sandboxes.list()) {
        listed.findFirst();
      }
    } catch (RuntimeException e) {
      LoggerFactory.getLogger(TenkiClient.class)
          .debug("warming up failed; the first request will say why", e);
    }
  }

  /** Whether this client started and owns an embedded engine. */
  public boolean ownsEngine() {
    return engine != null;
  }

  /**
   * Signs {@code publicKey} (an OpenSSH public key line) into a short-lived user certificate for
   * sandbox {@code sessionId}; the SSH user is {@code tenki}. Uses the Connect protocol over HTTPS,
   * which passes through plain HTTP load balancers.
   */
  public SshCertificate issueSshCert(String sessionId, String publicKey, Duration ttl) {
    CreateSandboxOptions.Builder.nonBlank(sessionId, "sessionId");
    CreateSandboxOptions.Builder.nonBlank(publicKey, "publicKey");
    CreateSandboxOptions.Builder.positive(ttl, "ttl");
    return ssh.issueCert(sessionId, publicKey, ttl);
  }

  /** A raw SSH transport to a sandbox through the gateway WebSocket. */
  public SshConnection ssh(String sessionId) {
    return ssh.connect(Objects.requireNonNull(sessionId, "sessionId"));
  }

  /** A loopback TCP port forwarding to a sandbox's SSH server; see {@link SshForwarder}. */
  public SshForwarder sshForwarder(String sessionId) {
    Objects.requireNonNull(sessionId, "sessionId");
    return LoopbackForwarder.start(() -> ssh.connect(sessionId));
  }

  ControlPlane control() {
    return control;
  }

  ChannelPool channels() {
    return channels;
  }

  Endpoint apiEndpoint() {
    return endpoint;
  }

  TimeSource time() {
    return time;
  }

  Duration callTimeout() {
    return callTimeout;
  }

  private OkHttpClient http() {
    synchronized (httpLock) {
      if (http == null) {
        http =
            new OkHttpClient.Builder()
                .callTimeout(callTimeout.toMillis(), TimeUnit.MILLISECONDS)
                .readTimeout(0, TimeUnit.MILLISECONDS) // SSH sessions idle for long
                .pingInterval(30, TimeUnit.SECONDS)
                .build();
      }
      return http;
    }
  }

  /**
   * Closes every connection this client opened and, if it started one, the embedded engine.
   * Sandboxes keep running; close or terminate them first if they should not. Idempotent.
   */
  @Override
  public void close() {
    channels.close();
    synchronized (httpLock) {
      if (http != null) {
        http.dispatcher().executorService().shutdown();
        http.connectionPool().evictAll();
      }
    }
    if (engine != null) {
      engine.close();
    }
  }

  /**
   * Configures a {@link TenkiClient}. Not thread-safe; the client it builds is.
   *
   * <pre>{@code
   * TenkiClient client = TenkiClient.builder()
   *     .endpoint("https://api.tenki.cloud")
   *     .token(System.getProperty("tenki.token"))
   *     .build();
   * TenkiClient local = TenkiClient.builder().localEngine().build();
   * }</pre>
   */
  public static final class Builder {
    private String endpoint;
    private String token;
    private String gatewayUrl;
    private boolean localEngine;
    private final Map<String, String> engineSettings = new HashMap<>();
    private ClassLoader engineClassLoader;
    private TenkiEnvironment environment;
    private Clock clock = Clock.systemUTC();
    private Sleeper sleeper = TimeSource.system().sleeper();
    private Duration callTimeout = Duration.ofSeconds(60);

    private Builder() {}

    /**
     * The API endpoint: {@code https://host} (TLS), {@code http://host:port} (plaintext HTTP/2),
     * {@code inprocess://name} (an engine in this JVM) or {@code local} (start the embedded
     * engine).
     */
    public Builder endpoint(String endpoint) {
      this.endpoint = CreateSandboxOptions.Builder.nonBlank(endpoint, "endpoint");
      Endpoint.parseApi(endpoint);
      return this;
    }

    /** The API token or key (sent as a Bearer token). */
    public Builder token(String token) {
      this.token = CreateSandboxOptions.Builder.nonBlank(token, "token");
      return this;
    }

    /** The SSH gateway base URL ({@code https://...}), overriding discovery. */
    public Builder gatewayUrl(String gatewayUrl) {
      this.gatewayUrl = CreateSandboxOptions.Builder.nonBlank(gatewayUrl, "gatewayUrl");
      return this;
    }

    /** Starts and owns an embedded engine ({@code cloud.tenki:tenki-engine} must be present). */
    public Builder localEngine() {
      this.localEngine = true;
      return this;
    }

    /** Starts an embedded engine with these engine settings (for example {@code state-dir}). */
    public Builder localEngine(Map<String, String> settings) {
      this.localEngine = true;
      this.engineSettings.putAll(settings);
      return this;
    }

    /** Where to look for the embedded engine provider (default: this library's loader). */
    public Builder engineClassLoader(ClassLoader loader) {
      this.engineClassLoader = Objects.requireNonNull(loader, "engineClassLoader");
      return this;
    }

    /** Reads configuration from this map instead of the process environment. */
    public Builder environment(Map<String, String> environment) {
      this.environment = TenkiEnvironment.of(environment);
      return this;
    }

    /** The clock for deadlines and credential renewal (tests use a fake one). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** How to wait between retries and readiness probes (tests skip real sleeping). */
    public Builder sleeper(Sleeper sleeper) {
      this.sleeper = Objects.requireNonNull(sleeper, "sleeper");
      return this;
    }

    /** Deadline of each control-plane call (default 60 s). */
    public Builder callTimeout(Duration timeout) {
      this.callTimeout = CreateSandboxOptions.Builder.positive(timeout, "callTimeout");
      return this;
    }

    /**
     * Builds the client.
     *
     * @throws ConfigurationException if no token is available for a remote endpoint, the endpoint
     *     is unusable, or the local engine is requested but not on the class path
     */
    public TenkiClient build() {
      return new TenkiClient(this);
    }
  }
}
