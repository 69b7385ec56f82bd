package cloud.tenki.engine;

import cloud.tenki.engine.memory.MemoryBudget;
import cloud.tenki.engine.net.HttpEndpoint;
import cloud.tenki.engine.preview.PreviewRegistry;
import cloud.tenki.engine.sandbox.Rootfs;
import cloud.tenki.engine.service.ControlPlaneAuth;
import cloud.tenki.engine.service.ControlPlaneService;
import cloud.tenki.engine.service.DataPlaneAuth;
import cloud.tenki.engine.service.DataPlaneService;
import cloud.tenki.engine.service.SshGatewayService;
import cloud.tenki.engine.service.Unserved;
import cloud.tenki.engine.session.EngineSettings;
import cloud.tenki.engine.session.SessionManager;
import cloud.tenki.engine.ssh.SandboxSshServer;
import cloud.tenki.engine.ssh.SshCa;
import cloud.tenki.engine.volume.VolumeManager;
import io.grpc.ManagedChannel;
import io.grpc.Server;
import io.grpc.ServerInterceptors;
import io.grpc.ServerServiceDefinition;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.inprocess.InProcessServerBuilder;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A Tenki engine on this machine: isolated sandboxes served over the Tenki wire protocol.
 *
 * <p>Every engine serves an in-process gRPC endpoint ({@code inprocess://<name>}); with {@link
 * Builder#listen} it also listens on the network ({@code http://host:port}, plaintext HTTP/2).
 * Clients reach sessions' data plane at the same endpoint.
 *
 * <pre>{@code
 * try (LocalEngine engine = LocalEngine.builder().isolation(Isolation.AUTO).start()) {
 *   String endpoint = engine.endpoint(); // e.g. inprocess://tenki-engine-3f2a...
 *   // point a Tenki client at endpoint with any bearer token (or engine.token())
 * }
 * }</pre>
 *
 * <p>Thread-safe. The caller owns the engine and must close it: closing stops every sandbox (a
 * restarted engine on the same state directory finds running sessions paused) and, for the default
 * temporary state directory, deletes it.
 */
public final class LocalEngine implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LocalEngine.class);

  private final EngineSettings settings;
  private final SessionManager sessions;
  private final Server inProcess;
  private final ManagedChannel bridge;
  private final List<ServerServiceDefinition> services;
  private volatile HttpEndpoint listener;
  private final String inProcessName;
  private final String endpoint;
  private final String token;
  private final boolean deleteState;
  private final ScheduledExecutorService timers;
  private final MemoryBudget budget;
  private final StateLock stateLock;
  private volatile boolean closed;

  private LocalEngine(Builder b, EngineSettings settings, boolean deleteState, StateLock stateLock)
      throws IOException {
    this.settings = settings;
    this.stateLock = stateLock;
    this.budget =
        new MemoryBudget(
            b.memoryBudget > 0
                ? b.memoryBudget
                : MemoryBudget.defaultCapacity(Runtime.getRuntime().maxMemory()),
            b.memoryBudgetWait);
    this.deleteState = deleteState;
    this.token = b.token;
    this.inProcessName = "tenki-engine-" + HexFormat.of().formatHex(random(8));
    Map<String, String> meta = new LinkedHashMap<>();
    meta.put("tenki.local/isolation", settings.launcher().name());
    meta.put("tenki.local/limits", settings.cgroups().mechanism().label());
    meta.put("tenki.local/disk-quota", "periodic-usage-check+file-size-rlimit");
    meta.put(
        "tenki.local/sandbox-user",
        settings.hostUidBase() >= 0 ? "unprivileged-host-uid-per-sandbox" : "engine-uid");
    this.sessions = new SessionManager(settings, meta);
    this.timers =
        Executors.newScheduledThreadPool(
            1,
            r -> {
              Thread t = new Thread(r, "tenki-run-timeouts");
              t.setDaemon(true);
              return t;
            });
    String[] endpointHolder = new String[1];
    String bindHost = b.listenHost == null ? "127.0.0.1" : b.listenHost;
    this.previews =
        new PreviewRegistry(
            settings.stateDir().resolve("previews"),
            sessions,
            settings.clock(),
            bindHost,
            advertisedHost(bindHost));
    this.volumes =
        new VolumeManager(
            settings.stateDir().resolve("volumes"),
            sessions,
            settings.clock(),
            settings.maxDiskGb() * 1024L * 1024L * 1024L);
    ControlPlaneAuth auth = new ControlPlaneAuth(token);
    this.auth = auth;
    this.sshCa = SshCa.loadOrCreate(settings.stateDir().resolve("ssh/ca_key"), settings.clock());
    this.sshServer =
        new SandboxSshServer(sessions, sshCa, settings.stateDir().resolve("ssh/host_key"));
    List<ServerServiceDefinition> services =
        List.of(
            ServerInterceptors.intercept(
                new SshGatewayService(sessions, sshCa, this::httpBase, settings.clock())
                    .bindService(),
                auth),
            ServerInterceptors.intercept(
                Unserved.maskControlPlane(
                    new ControlPlaneService(sessions, () -> endpointHolder[0], previews, volumes)
                        .bindService()),
                auth),
            // the credential check runs first, so only authenticated calls get an account
            ServerInterceptors.intercept(
                new DataPlaneService(sessions, timers).bindService(),
                budget.interceptor(),
                new DataPlaneAuth(sessions.credentials())));
    InProcessServerBuilder ipb =
        InProcessServerBuilder.forName(inProcessName)
            .fallbackHandlerRegistry(Unserved.fallbackRegistry())
            .maxInboundMessageSize(MAX_MESSAGE);
    services.forEach(ipb::addService);
    this.services = services;
    this.inProcess = ipb.build().start();
    // the network endpoint makes every call on this channel; direct execution saves a thread hop
    // per message (the bridge's callbacks never block)
    this.bridge =
        InProcessChannelBuilder.forName(inProcessName)
            .directExecutor()
            .maxInboundMessageSize(MAX_MESSAGE)
            .build();
    String ep = "inprocess://" + inProcessName;
    try {
      if (b.listenHost != null) {
        this.listener = startListener(b.listenHost, b.listenPort);
        ep = "http://" + advertisedHost(b.listenHost) + ":" + listener.port();
      }
    } catch (IOException | RuntimeException e) {
      previews.close();
      sshServer.close();
      bridge.shutdownNow();
      inProcess.shutdownNow();
      budget.close();
      sessions.close();
      timers.shutdownNow();
      throw e;
    }
    this.listenHost = b.listenHost == null ? "127.0.0.1" : b.listenHost;
    this.endpoint = ep;
    endpointHolder[0] = ep;
  }

  private final String listenHost;

  private final ControlPlaneAuth auth;
  private final PreviewRegistry previews;
  private final VolumeManager volumes;
  private final SshCa sshCa;
  private final SandboxSshServer sshServer;

  private HttpEndpoint startListener(String host, int port) throws IOException {
    return HttpEndpoint.start(
        host,
        port,
        bridge,
        services,
        MAX_MESSAGE,
        budget,
        auth::check,
        sshServer,
        previews::urlOfSlug,
        token != null);
  }

  /**
   * The engine's HTTP base URL ({@code http://host:port}). An embedded engine has no listener until
   * a feature needs one (SSH gateway, preview URLs): the first call starts it on 127.0.0.1 with a
   * free port.
   */
  public String httpBase() {
    HttpEndpoint l = listener;
    if (l == null) {
      synchronized (this) {
        l = listener;
        if (l == null) {
          if (closed) {
            throw new IllegalStateException("engine is closed");
          }
          try {
            l = startListener("127.0.0.1", 0);
          } catch (IOException e) {
            throw new UncheckedIOException(e);
          }
          listener = l;
          LOG.info("tenki engine network endpoint started at http://127.0.0.1:{}", l.port());
        }
      }
    }
    return "http://" + advertisedHost(listenHost) + ":" + l.port();
  }

  /**
   * The engine's services as bound on its in-process server (with their authentication), for
   * embedding them in another gRPC server; benchmarks use it to compare transports.
   */
  public List<ServerServiceDefinition> services() {
    return services;
  }

  static final int MAX_MESSAGE = 64 * 1024 * 1024;

  /** Starts an engine with default settings (temporary state, automatic isolation). */
  public static LocalEngine start() {
    return builder().start();
  }

  /** A builder for an engine. */
  public static Builder builder() {
    return new Builder();
  }

  /** The endpoint clients use: {@code http://host:port} with a listener, else inprocess. */
  public String endpoint() {
    return endpoint;
  }

  /** The in-process endpoint ({@code inprocess://<name>}), available in every mode. */
  public String inProcessEndpoint() {
    return "inprocess://" + inProcessName;
  }

  /** The in-process server name, for {@code InProcessChannelBuilder.forName}. */
  public String inProcessName() {
    return inProcessName;
  }

  /**
   * A token the engine accepts on its control plane: the configured one, or a placeholder (any
   * non-empty bearer is accepted when no token is configured).
   */
  public String token() {
    return token != null ? token : "tk_local";
  }

  /**
   * The bytes of heap that large transfers (whole-file reads and writes, large request bodies) may
   * hold at once; beyond it calls wait briefly, then fail with RESOURCE_EXHAUSTED.
   */
  public long memoryBudget() {
    return budget.capacity();
  }

  /** The budget itself (tests watch what is free). */
  MemoryBudget budget() {
    return budget;
  }

  /** The sessions of this engine (tests reach sandboxes through them). */
  SessionManager sessions() {
    return sessions;
  }

  /** The isolation in force ({@code bwrap}, {@code unshare} or {@code none}). */
  public String isolation() {
    return settings.launcher().name();
  }

  /** How limits are enforced ({@code cgroup-v1}, {@code cgroup-v2} or {@code rlimit}). */
  public String limitsMechanism() {
    return settings.cgroups().mechanism().label();
  }

  /** The state directory (session records and sandbox files). */
  public Path stateDir() {
    return settings.stateDir();
  }

  /** Stops the listeners and every sandbox; idempotent. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    synchronized (this) {
      closed = true;
    }
    HttpEndpoint l = listener;
    if (l != null) {
      l.close();
    }
    sshServer.close();
    previews.close();
    bridge.shutdownNow();
    inProcess.shutdownNow();
    budget.close();
    sessions.close();
    timers.shutdownNow();
    if (deleteState) {
      try {
        Rootfs.delete(settings.stateDir());
      } catch (IOException e) {
        LOG.warn("could not delete state directory: {}", e.toString());
      }
    }
    stateLock.release();
  }

  private static String advertisedHost(String host) {
    try {
      InetAddress a = InetAddress.getByName(host);
      if (a.isAnyLocalAddress()) {
        return InetAddress.getLocalHost().getHostName();
      }
    } catch (IOException e) {
      // keep what we were given
    }
    return host.contains(":") ? "[" + host + "]" : host;
  }

  private static byte[] random(int n) {
    byte[] b = new byte[n];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /**
   * Builds a {@link LocalEngine}. Not thread-safe; each {@link #start()} makes a new engine. Every
   * setter validates eagerly and names the offending option.
   */
  public static final class Builder {
    Path stateDir;
    boolean deleteStateOnClose;
    Isolation isolation = Isolation.AUTO;
    String token;
    String listenHost;
    int listenPort;
    Clock clock = Clock.systemUTC();
    Duration credentialTtl = Duration.ofHours(1);
    Duration defaultMaxDuration = Duration.ofHours(1);
    Duration maxMaxDuration = Duration.ofDays(7);
    Duration defaultPauseRetention = Duration.ofDays(1);
    int defaultCpuCores = 1;
    int defaultMemoryMb = 1024;
    int defaultDiskGb = 5;
    int maxCpuCores = 64;
    int maxMemoryMb = 256 * 1024;
    int maxDiskGb = 1024;
    int maxProcesses = 512;
    boolean useCgroups = true;
    int sandboxUidBase = 100_000;
    int sandboxUidCount = 65_536;
    Path uidLeaseDir;
    Duration lifetimeCheckInterval = Duration.ofSeconds(1);
    Duration diskCheckInterval = Duration.ofSeconds(2);
    boolean outbound = true;
    int maxRunningSessions = 256;
    long memoryBudget;
    Duration memoryBudgetWait = MemoryBudget.DEFAULT_WAIT;

    private Builder() {}

    /**
     * Where session records and sandbox files live. Default: a new temporary directory that is
     * deleted on close. A given directory is kept (sessions survive restarts) unless {@link
     * #deleteStateOnClose(boolean)} says otherwise.
     */
    public Builder stateDir(Path dir) {
      this.stateDir = java.util.Objects.requireNonNull(dir, "stateDir");
      return this;
    }

    /** Whether {@link LocalEngine#close()} deletes the state directory. */
    public Builder deleteStateOnClose(boolean delete) {
      this.deleteStateOnClose = delete;
      return this;
    }

    /** The isolation mode; default {@link Isolation#AUTO}. */
    public Builder isolation(Isolation isolation) {
      this.isolation = java.util.Objects.requireNonNull(isolation, "isolation");
      return this;
    }

    /**
     * The control-plane token clients must present. Without one any non-empty token is accepted,
     * which is only allowed while the engine listens on loopback (or not at all).
     */
    public Builder token(String token) {
      this.token = token == null || token.isBlank() ? null : token.trim();
      return this;
    }

    /** Also listen on the network (h2c) at {@code host:port}; port 0 picks a free port. */
    public Builder listen(String host, int port) {
      if (host == null || host.isBlank()) {
        throw new IllegalArgumentException("listen host must not be empty");
      }
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("listen port must be between 0 and 65535");
      }
      this.listenHost = host.trim();
      this.listenPort = port;
      return this;
    }

    /** The time source for lifetimes and credentials (tests pass a controllable clock). */
    public Builder clock(Clock clock) {
      this.clock = java.util.Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Lifetime of data-plane credentials; default 1 hour. */
    public Builder credentialTtl(Duration ttl) {
      this.credentialTtl = positive(ttl, "credentialTtl");
      return this;
    }

    /** Session lifetime when a create request sets no {@code max_duration}; default 1 hour. */
    public Builder defaultMaxDuration(Duration d) {
      this.defaultMaxDuration = positive(d, "defaultMaxDuration");
      return this;
    }

    /** How long a paused session is kept when the request sets no retention; default 1 day. */
    public Builder defaultPauseRetention(Duration d) {
      this.defaultPauseRetention = positive(d, "defaultPauseRetention");
      return this;
    }

    /** Defaults for sessions that do not ask: cores, memory in MiB, disk quota in GiB. */
    public Builder defaultLimits(int cpuCores, int memoryMb, int diskGb) {
      if (cpuCores < 1 || memoryMb < 64 || diskGb < 1) {
        throw new IllegalArgumentException(
            "defaultLimits: cpuCores >= 1, memoryMb >= 64 and diskGb >= 1 required");
      }
      this.defaultCpuCores = cpuCores;
      this.defaultMemoryMb = memoryMb;
      this.defaultDiskGb = diskGb;
      return this;
    }

    /** Upper bounds a create request may ask for: cores, memory in MiB, disk in GiB. */
    public Builder maxLimits(int cpuCores, int memoryMb, int diskGb) {
      if (cpuCores < 1 || memoryMb < 64 || diskGb < 1) {
        throw new IllegalArgumentException(
            "maxLimits: cpuCores >= 1, memoryMb >= 64 and diskGb >= 1 required");
      }
      this.maxCpuCores = cpuCores;
      this.maxMemoryMb = memoryMb;
      this.maxDiskGb = diskGb;
      return this;
    }

    /** Cap on processes and threads per sandbox; default 512. */
    public Builder maxProcesses(int max) {
      if (max < 8) {
        throw new IllegalArgumentException("maxProcesses must be at least 8");
      }
      this.maxProcesses = max;
      return this;
    }

    /** Whether to use cgroups when writable (default true); false forces rlimits. */
    public Builder useCgroups(boolean use) {
      this.useCgroups = use;
      return this;
    }

    /**
     * First host uid handed to sandboxes when the engine runs as root (each sandbox gets its own);
     * default 100000. A negative value maps sandbox users to root's uid instead (not advised).
     */
    public Builder sandboxUidBase(int base) {
      this.sandboxUidBase = base;
      return this;
    }

    /**
     * How many host uids from {@link #sandboxUidBase} sandboxes may use; default 65536. Uids are
     * unique among all engines on the machine that share a {@link #uidLeaseDirectory}, so the range
     * bounds the sandboxes (running or paused) of all of them together; beyond it creates answer
     * RESOURCE_EXHAUSTED.
     */
    public Builder sandboxUidCount(int count) {
      if (count < 1) {
        throw new IllegalArgumentException("sandboxUidCount must be at least 1");
      }
      this.sandboxUidCount = count;
      return this;
    }

    /**
     * Where a root engine keeps its machine-wide sandbox uid leases (one locked file per uid);
     * default {@code /var/lib/tenki-engine/uids}, or {@code /run/tenki-engine/uids} when that
     * cannot be created. Every engine on the machine must use the same directory, which must belong
     * to root and be writable by nobody else.
     */
    public Builder uidLeaseDirectory(Path dir) {
      this.uidLeaseDir = java.util.Objects.requireNonNull(dir, "uidLeaseDirectory");
      return this;
    }

    /** How often lifetimes are checked against the clock; default 1 s. */
    public Builder lifetimeCheckInterval(Duration d) {
      this.lifetimeCheckInterval = positive(d, "lifetimeCheckInterval");
      return this;
    }

    /**
     * Whether sessions that ask for {@code allow_outbound} get outbound network (through
     * slirp4netns, when installed; never the host's loopback); default true.
     */
    public Builder outbound(boolean allow) {
      this.outbound = allow;
      return this;
    }

    /**
     * How many sandboxes may run at once (paused ones do not count); beyond it creates answer
     * RESOURCE_EXHAUSTED. Default 256.
     */
    public Builder maxRunningSessions(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxRunningSessions must be at least 1");
      }
      this.maxRunningSessions = max;
      return this;
    }

    /**
     * Bytes of heap that large transfers may hold at once, in the whole engine: whole-file ReadFile
     * replies and request messages or bodies of 1 MiB or more, each counted with the copies its
     * path holds. A call that finds no room waits up to 5 s for other transfers to finish, then
     * fails with RESOURCE_EXHAUSTED; one that needs more than the whole budget fails at once.
     * Default: half the JVM's maximum heap, and at least 128 MiB (so any single call the engine
     * accepts fits). At least 1 MiB.
     */
    public Builder memoryBudget(long bytes) {
      if (bytes < MemoryBudget.LARGE) {
        throw new IllegalArgumentException(
            "memoryBudget must be at least " + MemoryBudget.LARGE + " bytes (1 MiB)");
      }
      this.memoryBudget = bytes;
      return this;
    }

    /** How long a large transfer waits for room in the memory budget; default 5 s. */
    Builder memoryBudgetWait(Duration d) {
      if (d == null || d.isNegative()) {
        throw new IllegalArgumentException("memoryBudgetWait must not be negative");
      }
      this.memoryBudgetWait = d;
      return this;
    }

    /** How often disk usage is measured against quotas; default 2 s. */
    public Builder diskCheckInterval(Duration d) {
      this.diskCheckInterval = positive(d, "diskCheckInterval");
      return this;
    }

    private static Duration positive(Duration d, String name) {
      if (d == null || d.isNegative() || d.isZero()) {
        throw new IllegalArgumentException(name + " must be a positive duration");
      }
      return d;
    }

    /**
     * Starts the engine. Fails with {@link IllegalStateException} when the chosen isolation is
     * unavailable, or when asked to listen on a non-loopback address without a token.
     */
    public LocalEngine start() {
      try {
        SettingsResolver.checkListen(listenHost, token);
        boolean temp = stateDir == null;
        Path dir = temp ? Files.createTempDirectory("tenki-engine-") : stateDir;
        Files.createDirectories(dir);
        StateLock lock = StateLock.acquire(dir);
        LocalEngine engine;
        try {
          EngineSettings settings = SettingsResolver.resolve(this, dir);
          engine = new LocalEngine(this, settings, temp || deleteStateOnClose, lock);
        } catch (IOException | RuntimeException | Error e) {
          lock.release();
          throw e;
        }
        EngineSettings settings = engine.settings;
        LOG.info(
            "tenki engine ready at {} (isolation={}, limits={}, state={})",
            engine.endpoint(),
            settings.launcher().name(),
            settings.cgroups().mechanism().label(),
            dir);
        if (settings.outbound()
            && !settings.launcher().name().equals("none")
            && !cloud.tenki.engine.sandbox.OutboundNetwork.available()) {
          LOG.warn(
              "slirp4netns is not installed, so sandboxes have no network access (package"
                  + " downloads and git clone fail); install it (Debian and Ubuntu: apt-get"
                  + " install slirp4netns)");
        }
        if (settings.launcher().name().equals("none")) {
          System.err.println(
              "WARNING: tenki engine runs WITHOUT isolation (--isolation none): sandbox commands"
                  + " run directly on this host as the engine's user");
        }
        return engine;
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
  }
}
