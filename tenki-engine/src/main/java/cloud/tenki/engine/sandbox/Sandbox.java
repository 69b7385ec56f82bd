package cloud.tenki.engine.sandbox;

import java.io.File;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * One sandbox on this host: its root tree, its cgroup and (while running) its init process.
 *
 * <p>Commands of a namespace sandbox start through a {@link PreparedLaunch} when one is ready: the
 * host-side launch chain (cgroup join, {@code nsenter}, {@code setsid}) already ran in the
 * background, and the command only has to be handed over. The first command, concurrent ones and
 * sandboxes without a pids cgroup take the ordinary path, where the chain runs on demand.
 *
 * <p>Thread-safe. {@link #start()} and {@link #stop()} are serialised by the session that owns the
 * sandbox; {@link #exec} may run from any thread while the sandbox runs.
 */
public final class Sandbox {

  /** The {@code PATH} of sandbox processes when neither the session nor the call sets one. */
  static final String DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

  /**
   * The environment every sandbox process starts with, before session and call variables. {@code
   * NPM_CONFIG_PREFIX} sends {@code npm install -g} to {@code ~/.local} (programs in {@link
   * #USER_BIN}, first on {@code PATH}): the default prefix, {@code /usr}, is read-only in a
   * sandbox. See {@link #CA_BUNDLE} for the certificate variables.
   */
  private static final Map<String, String> BASE_ENV = baseEnvironment();

  /**
   * The host's certificate bundle (Debian's path), shared read-only with {@code /etc/ssl}. Node.js
   * and Python's certifi carry their own lists of authorities, so a proxy or registry whose
   * authority the host added to its system store (common behind company proxies) would work for
   * curl and git in a sandbox but not for npm or requests; {@code NODE_EXTRA_CA_CERTS}, {@code
   * REQUESTS_CA_BUNDLE} and {@code SSL_CERT_FILE} point them at the system store as well. Set only
   * when the host has the file.
   */
  static final String CA_BUNDLE = "/etc/ssl/certs/ca-certificates.crt";

  /** Where user-level installs put programs; it exists in every new sandbox. */
  static final String USER_BIN = "/home/tenki/.local/bin";

  private static Map<String, String> baseEnvironment() {
    Map<String, String> env = new TreeMap<>();
    // what pip and npm -g install is found by every process, not only by login shells
    env.put("PATH", USER_BIN + ":" + DEFAULT_PATH);
    env.put("HOME", "/home/tenki");
    env.put("USER", "tenki");
    env.put("LOGNAME", "tenki");
    env.put("SHELL", "/bin/bash");
    env.put("LANG", "C.UTF-8");
    env.put("TERM", "xterm-256color");
    env.put("NPM_CONFIG_PREFIX", "/home/tenki/.local");
    if (java.nio.file.Files.isRegularFile(java.nio.file.Path.of(CA_BUNDLE))) {
      for (String name : List.of("NODE_EXTRA_CA_CERTS", "REQUESTS_CA_BUNDLE", "SSL_CERT_FILE")) {
        env.put(name, CA_BUNDLE);
      }
    }
    return Map.copyOf(env);
  }

  private final Launcher launcher;
  private final Cgroups cgroups;
  private final String id;
  private final java.nio.file.Path rootfs;
  private final String hostname;
  private final int hostUid;
  private final Limits limits;
  private final boolean outbound;
  private volatile SandboxConfig config;
  private volatile SandboxInit init;
  private volatile PreparedLaunch prepared;

  /** Describes a sandbox; nothing starts until {@link #start()}. */
  public Sandbox(
      Launcher launcher,
      Cgroups cgroups,
      String id,
      java.nio.file.Path rootfs,
      String hostname,
      int hostUid,
      Limits limits,
      boolean outbound) {
    this.launcher = launcher;
    this.cgroups = cgroups;
    this.id = id;
    this.rootfs = rootfs;
    this.hostname = hostname;
    this.hostUid = hostUid;
    this.limits = limits;
    this.outbound = outbound;
  }

  /** The launcher in use ({@code bwrap}, {@code unshare} or {@code none}). */
  public String isolation() {
    return launcher.name();
  }

  /** The host uid the sandbox user maps to (-1: the engine's own, or root's). */
  public int hostUid() {
    return hostUid;
  }

  /** The root tree on the host. */
  public java.nio.file.Path rootfs() {
    return rootfs;
  }

  /** Whether the init runs. */
  public boolean running() {
    SandboxInit i = init;
    return i != null && i.alive();
  }

  /** The running init, or null. */
  public SandboxInit init() {
    return init;
  }

  /** The cgroup of the running sandbox, or null. */
  public Cgroups.Group group() {
    SandboxConfig c = config;
    return c == null ? null : c.group();
  }

  /** Starts the init (creating the cgroup first). */
  public synchronized void start() throws IOException {
    if (running()) {
      return;
    }
    Cgroups.Group group = cgroups.create(id, limits);
    SandboxConfig cfg = new SandboxConfig(id, rootfs, hostname, hostUid, group, limits);
    SandboxInit started = null;
    try {
      started = launcher.start(cfg);
      if (outbound && started.targetPid() > 0) {
        started.attachNetwork();
      }
      init = started;
      config = cfg;
      prepared = preparedLaunch(cfg, started);
    } catch (IOException | RuntimeException e) {
      if (started != null) {
        started.kill();
      }
      cgroups.remove(group);
      throw e;
    }
  }

  /**
   * Kills every process of the sandbox and starts a new init on the same files, as one step: a
   * command that arrives meanwhile waits for it and runs in the new init.
   */
  public synchronized void restart() throws IOException {
    stop();
    start();
  }

  /** Kills every process of the sandbox and removes its cgroup; files stay. */
  public synchronized void stop() {
    SandboxInit i = init;
    SandboxConfig c = config;
    PreparedLaunch pl = prepared;
    init = null;
    prepared = null;
    if (pl != null) {
      pl.close();
    }
    if (i != null) {
      i.kill();
    }
    if (c != null) {
      killGroupMembers(c.group());
      cgroups.remove(c.group());
    }
  }

  /**
   * The prepared launches of a namespace sandbox whose processes a pids cgroup counts, or null: the
   * rlimit fallback counts processes per user, where slots cannot be set aside for the engine.
   */
  private PreparedLaunch preparedLaunch(SandboxConfig cfg, SandboxInit started) {
    java.nio.file.Path pidsMax = cfg.group().processLimitFile();
    if (launcher instanceof NoIsolationLauncher || pidsMax == null) {
      return null;
    }
    int max = cfg.limits().maxProcesses();
    return new PreparedLaunch(
        () -> {
          List<String> shell = PreparedRequest.shellCommand();
          ProcessBuilder pb =
              CommandEnvironment.launchStep(
                  LaunchWrapper.wrap(cfg, launcher.enter(cfg, started, "/", shell)));
          pb.directory(new File("/"));
          return pb.start();
        },
        reserved -> {
          try {
            java.nio.file.Files.writeString(
                pidsMax, Integer.toString(reserved ? max + PreparedLaunch.SLOTS : max));
          } catch (IOException e) {
            // the group is being removed with the sandbox
          }
        });
  }

  /** How many commands started through a prepared launch (observability, tests). */
  public long preparedLaunches() {
    PreparedLaunch pl = prepared;
    return pl == null ? 0 : pl.launches();
  }

  /** Whether a prepared launch is parked, so the next command would start through it. */
  public boolean preparedLaunchReady() {
    PreparedLaunch pl = prepared;
    return pl != null && pl.ready();
  }

  /** Kills stragglers that joined the cgroup but live outside the pid namespace. */
  private static void killGroupMembers(Cgroups.Group group) {
    // a killed process leaves the group only once it has run its exit, which on a busy machine
    // can take a while; a fork loop may add members between rounds
    long deadline = System.nanoTime() + KILL_WAIT_NANOS;
    while (true) {
      List<Long> pids = group.pids();
      if (pids.isEmpty() || System.nanoTime() > deadline) {
        return;
      }
      pids.forEach(pid -> ProcessHandle.of(pid).ifPresent(ProcessHandle::destroyForcibly));
      java.util.concurrent.locks.LockSupport.parkNanos(5_000_000L);
    }
  }

  /**
   * The host uid a launch chain's pipes are handed to, or -1: a root engine's pipes are root's,
   * which the sandbox user, another host uid, could not open again through {@code /dev/stdout}.
   */
  private int pipeOwner(SandboxConfig cfg) {
    return launcher instanceof NoIsolationLauncher || !HostSystem.isRoot() ? -1 : cfg.hostUid();
  }

  /** Processes of the sandbox's process limit an on-demand launch chain takes to start. */
  private static final int LAUNCH_SLOTS = 2;

  /** How long stopping waits for the killed processes to leave the sandbox's cgroups. */
  private static final long KILL_WAIT_NANOS = 10_000_000_000L;

  /** Maps a sandbox path to what the host-side process must be given (identity when isolated). */
  public String hostPathFor(String sandboxPath) {
    SandboxConfig c = config;
    if (launcher instanceof NoIsolationLauncher && c != null) {
      return NoIsolationLauncher.hostPath(c, sandboxPath);
    }
    return sandboxPath;
  }

  /**
   * Refuses variable names a sandboxed command cannot receive (anything but a portable identifier)
   * with {@code INVALID_ARGUMENT} naming {@code field}.
   */
  public static void requireValidEnv(Map<String, String> env, String field) {
    for (String name : env.keySet()) {
      if (!CommandEnvironment.validName(name)) {
        throw io.grpc.Status.INVALID_ARGUMENT
            .withDescription(
                field + ": variable names must match [A-Za-z_][A-Za-z0-9_]*, got '" + name + "'")
            .asRuntimeException();
      }
    }
  }

  /** Linux refuses an argument or environment entry of this many bytes or more (with its NUL). */
  public static final int MAX_ARGUMENT_BYTES = 128 * 1024;

  /**
   * What a command's arguments and environment may take together. Linux allows a quarter of the
   * stack limit (2 MiB by default); the launch chain's own arguments need some of that.
   */
  public static final int MAX_COMMAND_BYTES = 1024 * 1024;

  /**
   * Refuses, with {@code INVALID_ARGUMENT} naming {@code field}, a command whose arguments or
   * environment the kernel would refuse to exec ({@code E2BIG}): it would otherwise fail as if the
   * sandbox were unavailable.
   */
  public static void requireLaunchable(List<String> argv, Map<String, String> env, String field) {
    long total = 0;
    for (int i = 0; i < argv.size(); i++) {
      long n = utf8Length(argv.get(i)) + 1;
      if (n > MAX_ARGUMENT_BYTES) {
        throw tooLong(
            field
                + ": argument "
                + (i + 1)
                + " is "
                + (n - 1)
                + " bytes; Linux accepts at most "
                + (MAX_ARGUMENT_BYTES - 1)
                + " bytes in one argument");
      }
      total += n;
    }
    // a variable crosses the host-side launch chain under a carrier name one prefix longer
    long maxVariable = MAX_ARGUMENT_BYTES - 1 - CommandEnvironment.CARRIER_PREFIX.length();
    for (Map.Entry<String, String> e : env.entrySet()) {
      long n = utf8Length(e.getKey()) + 1 + utf8Length(e.getValue()) + 1;
      if (n - 1 > maxVariable) {
        throw tooLong(
            "env: variable "
                + e.getKey()
                + " is "
                + (n - 1)
                + " bytes with its name and '='; at most "
                + maxVariable
                + " fit one environment variable");
      }
      total += n;
    }
    if (total > MAX_COMMAND_BYTES) {
      throw tooLong(
          field
              + " and env take "
              + total
              + " bytes together; at most "
              + MAX_COMMAND_BYTES
              + " fit one command");
    }
  }

  private static io.grpc.StatusRuntimeException tooLong(String what) {
    return io.grpc.Status.INVALID_ARGUMENT
        .withDescription(what + ": pass large data through stdin or a file")
        .asRuntimeException();
  }

  private static long utf8Length(String s) {
    long n = 0;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        n += 1;
      } else if (c < 0x800) {
        n += 2;
      } else if (Character.isHighSurrogate(c) && i + 1 < s.length()) {
        n += 4;
        i++;
      } else {
        n += 3;
      }
    }
    return n;
  }

  /**
   * Starts a process inside the sandbox.
   *
   * @param command argv (never a shell string)
   * @param cwd absolute working directory as the sandbox sees it
   * @param env variables on top of the base environment
   * @return the host-side process; its stdin/stdout/stderr are the command's
   */
  public Process exec(List<String> command, String cwd, Map<String, String> env)
      throws IOException {
    return exec(command, cwd, env, null);
  }

  /** Checks a working directory before an on-demand launch (see {@link #exec}). */
  @FunctionalInterface
  public interface DirectoryCheck {
    /** Returns when {@code cwd} is a directory in the sandbox, else throws. */
    void verify(String cwd) throws IOException;
  }

  /**
   * Starts a process inside the sandbox in a working directory confirmed before it starts: a
   * prepared launch confirms it from inside the sandbox (no extra process), an on-demand launch
   * calls {@code check} first. Without a check ({@code null}), the same as {@link #exec(List,
   * String, Map)}: a missing directory makes the process end with status 1.
   *
   * @throws MissingDirectoryException when a prepared launch could not change into {@code cwd}
   */
  public Process exec(
      List<String> command, String cwd, Map<String, String> env, DirectoryCheck check)
      throws IOException {
    return exec(command, cwd, env, check, false);
  }

  /**
   * Like {@link #exec(List, String, Map, DirectoryCheck)}; with {@code lasting}, the process's
   * pipes are {@link OwnPipes}: they stay open for what the command leaves running, and the command
   * can open them again as {@code /dev/stdout} and the like. For commands of users; the engine's
   * own helpers need neither.
   */
  public Process exec(
      List<String> command,
      String cwd,
      Map<String, String> env,
      DirectoryCheck check,
      boolean lasting)
      throws IOException {
    SandboxInit i = init;
    SandboxConfig c = config;
    if (i == null || c == null || !i.alive()) {
      // a restart may be under way (the disk quota's): it holds the lock until the new init runs
      synchronized (this) {
        i = init;
        c = config;
      }
      if (i == null || c == null || !i.alive()) {
        throw new IOException("sandbox is not running");
      }
    }
    int owner = pipeOwner(c);
    Map<String, String> merged = new TreeMap<>(BASE_ENV);
    if (launcher instanceof NoIsolationLauncher) {
      merged.put("HOME", NoIsolationLauncher.hostPath(c, "/home/tenki"));
      merged.put("NPM_CONFIG_PREFIX", NoIsolationLauncher.hostPath(c, "/home/tenki/.local"));
      merged.put(
          "PATH", merged.get("PATH").replace(USER_BIN, NoIsolationLauncher.hostPath(c, USER_BIN)));
    }
    merged.putAll(env);
    PreparedLaunch pl = prepared;
    if (pl != null) {
      Process p;
      try {
        p =
            pl.launch(
                command,
                cwd,
                merged,
                check != null,
                lasting ? q -> OwnPipes.adopt(q, owner) : q -> q);
      } catch (MissingDirectoryException e) {
        pl.refill();
        throw e;
      }
      if (p != null) {
        pl.refill();
        return p;
      }
      // the launch may have waited for one being prepared, long enough for the sandbox to stop:
      // an on-demand chain into a stopped sandbox would fail as a command (exit 125), not as the
      // sandbox being gone
      if (init != i || !i.alive()) {
        throw new IOException("sandbox is not running");
      }
    }
    // the launch chain needs two processes of the sandbox's own (the shell that joins its cgroups
    // stays counted while nsenter forks): with fewer free, it would fail as a command, exit 1
    // with nsenter's "fork failed" as the command's output
    if (c.group().processSlotsFree() < LAUNCH_SLOTS) {
      throw new ProcessLimitException(c.limits().maxProcesses());
    }
    if (check != null) {
      check.verify(cwd);
    }
    // the caller's variables must not reach the host-side launch chain (see CommandEnvironment)
    List<String> inner = CommandEnvironment.restoring(merged, command);
    List<String> tail = launcher.enter(c, i, cwd, inner);
    List<String> argv =
        lasting ? LaunchWrapper.wrapWithHandshake(c, tail) : LaunchWrapper.wrap(c, tail);
    ProcessBuilder pb = CommandEnvironment.launchStep(argv);
    pb.directory(new File(launcher.hostDirectory(c, cwd)));
    pb.environment().putAll(CommandEnvironment.hostEnvironment(merged));
    Process p = lasting ? OwnPipes.start(pb, owner) : pb.start();
    if (pl != null) {
      pl.refill();
    }
    return p;
  }
}
