package cloud.tenki.engine.cli;

import cloud.tenki.engine.Isolation;
import cloud.tenki.engine.LocalEngine;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

/**
 * The standalone engine: {@code java -jar tenki-engine.jar [options]}. Prints the endpoint on
 * stdout (one line, {@code TENKI_API_ENDPOINT=http://...}) and runs until interrupted.
 *
 * <p>Environment variables are read here and nowhere else in the engine, from an injectable map.
 */
@Command(
    name = "tenki-engine",
    mixinStandardHelpOptions = true,
    description = "A local Tenki Sandbox engine with real isolation.")
public final class EngineMain implements Callable<Integer> {

  /** Token variable: the control-plane token clients must present. */
  public static final String ENV_TOKEN = "TENKI_ENGINE_TOKEN";

  /** State directory variable. */
  public static final String ENV_STATE_DIR = "TENKI_ENGINE_STATE_DIR";

  @Option(names = "--host", description = "Address to listen on (default: ${DEFAULT-VALUE}).")
  String host = "127.0.0.1";

  @Option(
      names = "--port",
      description = "Port to listen on; 0 picks one (default: ${DEFAULT-VALUE}).")
  int port = 7766;

  @Option(
      names = "--state-dir",
      description =
          "Session records and sandbox files (default: $" + ENV_STATE_DIR + " or ~/.tenki/engine).")
  Path stateDir;

  @Option(
      names = "--isolation",
      description = "auto, bwrap, unshare or none (default: ${DEFAULT-VALUE}).")
  String isolation = "auto";

  @Option(
      names = "--token",
      description =
          "Token clients must present (default: $"
              + ENV_TOKEN
              + "; none means any token on loopback).")
  String token;

  @Option(names = "--no-cgroups", description = "Enforce limits with rlimits only.")
  boolean noCgroups;

  @Option(
      names = "--no-outbound",
      description = "Never give sandboxes outbound network, even when they ask (allow_outbound).")
  boolean noOutbound;

  @Option(
      names = "--default-cpu",
      description = "Cores when a request sets none (default: ${DEFAULT-VALUE}).")
  int defaultCpu = 1;

  @Option(
      names = "--default-memory-mb",
      description = "Memory in MiB when a request sets none (default: ${DEFAULT-VALUE}).")
  int defaultMemoryMb = 1024;

  @Option(
      names = "--default-disk-gb",
      description = "Disk quota in GiB when a request sets none (default: ${DEFAULT-VALUE}).")
  int defaultDiskGb = 5;

  @Option(
      names = "--max-sandboxes",
      description =
          "Sandboxes that may run at once; paused ones do not count (default: ${DEFAULT-VALUE}).")
  int maxSandboxes = 256;

  @Option(
      names = "--max-processes",
      description = "Process cap per sandbox (default: ${DEFAULT-VALUE}).")
  int maxProcesses = 512;

  @Option(
      names = "--default-max-duration",
      description =
          "Session lifetime when a request sets none, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration defaultMaxDuration = Duration.ofHours(1);

  @Option(
      names = "--credential-ttl",
      description = "Data-plane credential lifetime, ISO-8601 (default: ${DEFAULT-VALUE}).")
  Duration credentialTtl = Duration.ofHours(1);

  @Option(
      names = "--memory-budget-mb",
      description =
          "Heap in MiB that large transfers (whole-file reads and writes, request bodies of 1 MiB"
              + " or more) may hold at once; beyond it calls wait up to 5 s, then fail with"
              + " RESOURCE_EXHAUSTED (default: half the JVM's maximum heap, at least 128).")
  Integer memoryBudgetMb;

  private final Map<String, String> env;
  private final CountDownLatch stop = new CountDownLatch(1);

  /** Reads the given environment (the real one in production). */
  public EngineMain(Map<String, String> env) {
    this.env = Map.copyOf(env);
  }

  /** Entry point. */
  public static void main(String[] args) {
    CommandLine cl = new CommandLine(new EngineMain(System.getenv()));
    cl.registerConverter(Duration.class, Duration::parse);
    System.exit(cl.execute(args));
  }

  /**
   * Root's home is private (0700), and sandboxes of a root engine run as their own unprivileged
   * uids that must traverse the state directory's parents; so root keeps state under /var/lib.
   */
  private static Path defaultStateDir() {
    if (cloud.tenki.engine.sandbox.HostSystem.isRoot()) {
      return Path.of("/var/lib/tenki/engine");
    }
    return Path.of(System.getProperty("user.home"), ".tenki", "engine");
  }

  @Override
  public Integer call() throws Exception {
    Path dir = stateDir;
    if (dir == null) {
      String fromEnv = env.get(ENV_STATE_DIR);
      dir = fromEnv != null && !fromEnv.isBlank() ? Path.of(fromEnv) : defaultStateDir();
    }
    String t = token != null ? token : env.get(ENV_TOKEN);
    if (memoryBudgetMb != null && memoryBudgetMb < 1) {
      System.err.println("tenki-engine: --memory-budget-mb must be at least 1");
      return 2;
    }
    LocalEngine engine;
    try {
      LocalEngine.Builder builder = LocalEngine.builder();
      if (memoryBudgetMb != null) {
        builder.memoryBudget(memoryBudgetMb * 1024L * 1024L);
        if (memoryBudgetMb * 1024L * 1024L > Runtime.getRuntime().maxMemory()) {
          System.err.println(
              "tenki-engine: warning: --memory-budget-mb "
                  + memoryBudgetMb
                  + " is more than the JVM's maximum heap; concurrent large transfers can exhaust"
                  + " it");
        }
      }
      engine =
          builder
              .stateDir(dir)
              .isolation(Isolation.parse(isolation))
              .token(t)
              .listen(host, port)
              .useCgroups(!noCgroups)
              .outbound(!noOutbound)
              .defaultLimits(defaultCpu, defaultMemoryMb, defaultDiskGb)
              .maxProcesses(maxProcesses)
              .maxRunningSessions(maxSandboxes)
              .defaultMaxDuration(defaultMaxDuration)
              .credentialTtl(credentialTtl)
              .start();
    } catch (IllegalStateException | IllegalArgumentException e) {
      System.err.println("tenki-engine: " + e.getMessage());
      return 2;
    } catch (RuntimeException e) {
      System.err.println("tenki-engine: cannot start: " + e.getMessage());
      return 1;
    }
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  engine.close();
                  stop.countDown();
                },
                "tenki-engine-shutdown"));
    System.out.println("TENKI_API_ENDPOINT=" + engine.endpoint());
    System.out.flush();
    System.err.println(
        "tenki-engine: listening on "
            + engine.endpoint()
            + " (isolation="
            + engine.isolation()
            + ", limits="
            + engine.limitsMechanism()
            + ", state="
            + engine.stateDir()
            + ", memory budget="
            + (engine.memoryBudget() >> 20)
            + " MiB); "
            + (t == null ? "any bearer token is accepted on loopback" : "token required"));
    stop.await();
    return 0;
  }
}
