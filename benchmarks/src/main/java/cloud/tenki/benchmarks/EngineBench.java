package cloud.tenki.benchmarks;

import cloud.tenki.engine.Isolation;
import cloud.tenki.engine.LocalEngine;
import cloud.tenki.proto.sandbox.v1.CreateSessionRequest;
import cloud.tenki.proto.sandbox.v1.CreateSessionResponse;
import cloud.tenki.proto.sandbox.v1.RunRequest;
import cloud.tenki.proto.sandbox.v1.RunStart;
import cloud.tenki.proto.sandbox.v1.SandboxServiceGrpc;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceGrpc;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunResponse;
import cloud.tenki.proto.sandbox.v1.TerminateSessionRequest;
import cloud.tenki.sandbox.CreateSandboxOptions;
import cloud.tenki.sandbox.ExecOptions;
import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.TenkiClient;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.lang.management.ManagementFactory;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Side-by-side benchmark of the local engine against its baselines, measured in one run:
 * create-to-ready vs a bare {@code bwrap ... true}, {@code exec true} in a running sandbox vs the
 * same baseline and a plain fork/exec (also through the Java SDK, in home and in another working
 * directory), the memory of 100 idle sandboxes, and the CPU an idle sandbox costs.
 *
 * <p>Args: {@code [createIterations] [execIterations] [idleSandboxes]}.
 */
public final class EngineBench {

  private static final Metadata.Key<String> AUTH =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> CERT =
      Metadata.Key.of("x-tenki-session-cert", Metadata.ASCII_STRING_MARSHALLER);

  public static void main(String[] args) throws Exception {
    int creates = args.length > 0 ? Integer.parseInt(args[0]) : 100;
    int execs = args.length > 1 ? Integer.parseInt(args[1]) : 300;
    int idle = args.length > 2 ? Integer.parseInt(args[2]) : 100;
    Path state = Files.createTempDirectory(Path.of("/tmp"), "tenki-bench-");
    System.out.printf(
        "host: %d cores, %s, java %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name") + " " + System.getProperty("os.version"),
        System.getProperty("java.version"));
    double[] bwrap = baseline(bwrapTrue(), execs);
    double[] fork = baseline(List.of("/usr/bin/true"), execs);
    try (LocalEngine engine =
        LocalEngine.builder()
            .isolation(Isolation.BWRAP)
            .stateDir(state)
            .deleteStateOnClose(true)
            .listen("127.0.0.1", 0)
            .start()) {
      System.out.printf(
          "engine: isolation=%s limits=%s%n", engine.isolation(), engine.limitsMechanism());
      ManagedChannel inproc = InProcessChannelBuilder.forName(engine.inProcessName()).build();
      URI net = URI.create(engine.endpoint());
      ManagedChannel h2c =
          NettyChannelBuilder.forAddress(net.getHost(), net.getPort()).usePlaintext().build();
      try {
        var control = control(inproc);
        double[] create = measureCreate(control, creates);
        CreateSessionResponse sb = control.createSession(req());
        double[] execInproc = measureExec(inproc, sb, execs, 0);
        double[] execH2c = measureExec(h2c, sb, execs, 0);
        double[] execPaced = measureExec(inproc, sb, execs, PAUSE_MS);
        double[] execOnDemand = measureExec(inproc, sb, execs, PAUSE_MS, true);
        double[] sdkInproc = measureSdkExec(engine.inProcessEndpoint(), engine.token(), execs);
        double[] sdkH2c = measureSdkExec(engine.endpoint(), engine.token(), execs);
        double[] sdkCwd =
            measureSdkExec(engine.endpoint(), engine.token(), execs, "/home/tenki/work");
        report("bare bwrap ... true (baseline)", bwrap);
        report("plain fork/exec of true (baseline)", fork);
        report("create-to-ready (CreateSession wait_ready)", create);
        report("exec true, in-process gRPC", execInproc);
        report("exec true, h2c over loopback", execH2c);
        report("exec true, in-process, " + PAUSE_MS + " ms apart", execPaced);
        report("exec true, in-process, on demand, " + PAUSE_MS + " ms apart", execOnDemand);
        report("exec true, Java SDK, in-process", sdkInproc);
        report("exec true, Java SDK, h2c over loopback", sdkH2c);
        report("exec true in ~/work, Java SDK, h2c over loopback", sdkCwd);
        System.out.printf(
            Locale.ROOT,
            "ratios (p50): create/bwrap=%.1fx  exec-inproc/bwrap=%.1fx  exec-inproc/fork=%.1fx"
                + "  exec-h2c/bwrap=%.1fx  exec-h2c/fork=%.1fx%n",
            Stats.percentile(create, 50) / Stats.percentile(bwrap, 50),
            Stats.percentile(execInproc, 50) / Stats.percentile(bwrap, 50),
            Stats.percentile(execInproc, 50) / Stats.percentile(fork, 50),
            Stats.percentile(execH2c, 50) / Stats.percentile(bwrap, 50),
            Stats.percentile(execH2c, 50) / Stats.percentile(fork, 50));
        System.out.printf(
            Locale.ROOT,
            "ratios (p50): sdk-inproc/bwrap=%.1fx  sdk-inproc/fork=%.1fx  sdk-h2c/bwrap=%.1fx"
                + "  sdk-h2c/fork=%.1fx%n",
            Stats.percentile(sdkInproc, 50) / Stats.percentile(bwrap, 50),
            Stats.percentile(sdkInproc, 50) / Stats.percentile(fork, 50),
            Stats.percentile(sdkH2c, 50) / Stats.percentile(bwrap, 50),
            Stats.percentile(sdkH2c, 50) / Stats.percentile(fork, 50));
        System.out.printf(
            Locale.ROOT,
            "ratio (p50): sdk-h2c in ~/work / sdk-h2c in home = %.2f%n",
            Stats.percentile(sdkCwd, 50) / Stats.percentile(sdkH2c, 50));
        control.terminateSession(
            TerminateSessionRequest.newBuilder().setSessionId(sb.getSession().getId()).build());
        idleMemory(control, idle);
        idleCpu(engine.endpoint(), engine.token());
      } finally {
        inproc.shutdownNow();
        h2c.shutdownNow();
      }
    }
  }

  private static List<String> bwrapTrue() {
    List<String> cmd =
        new ArrayList<>(
            List.of(
                "bwrap",
                "--unshare-user",
                "--unshare-pid",
                "--unshare-net",
                "--unshare-ipc",
                "--unshare-uts",
                "--ro-bind",
                "/usr",
                "/usr"));
    for (String l : List.of("bin", "lib", "lib64", "sbin")) {
      Path p = Path.of("/", l);
      if (Files.isSymbolicLink(p)) {
        try {
          cmd.addAll(List.of("--symlink", Files.readSymbolicLink(p).toString(), "/" + l));
        } catch (java.io.IOException e) {
          throw new IllegalStateException(e);
        }
      }
    }
    cmd.addAll(List.of("--proc", "/proc", "--dev", "/dev", "--", "/usr/bin/true"));
    return cmd;
  }

  private static double[] baseline(List<String> cmd, int n) throws Exception {
    for (int i = 0; i < 20; i++) {
      run(cmd);
    }
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      run(cmd);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return ms;
  }

  private static void run(List<String> cmd) throws Exception {
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    p.getInputStream().readAllBytes();
    if (p.waitFor() != 0) {
      throw new IllegalStateException("baseline failed: " + cmd);
    }
  }

  private static SandboxServiceGrpc.SandboxServiceBlockingStub control(ManagedChannel ch) {
    Metadata md = new Metadata();
    md.put(AUTH, "Bearer tk_bench");
    return SandboxServiceGrpc.newBlockingStub(ch)
        .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
  }

  private static CreateSessionRequest req() {
    return CreateSessionRequest.newBuilder().setWaitReady(true).build();
  }

  private static double[] measureCreate(SandboxServiceGrpc.SandboxServiceBlockingStub c, int n) {
    for (int i = 0; i < 10; i++) {
      terminate(c, c.createSession(req()));
    }
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      long t0 = System.nanoTime();
      CreateSessionResponse r = c.createSession(req());
      ms[i] = (System.nanoTime() - t0) / 1e6;
      terminate(c, r);
    }
    return ms;
  }

  private static void terminate(
      SandboxServiceGrpc.SandboxServiceBlockingStub c, CreateSessionResponse r) {
    c.terminateSession(
        TerminateSessionRequest.newBuilder().setSessionId(r.getSession().getId()).build());
  }

  /**
   * Think time between paced commands: an agent's commands come seconds apart, which leaves the
   * engine time to prepare the next launch; back-to-back loops measure the worst case instead.
   */
  private static final int PAUSE_MS = 25;

  private static double[] measureExec(
      ManagedChannel ch, CreateSessionResponse sb, int n, int pauseMs) throws Exception {
    return measureExec(ch, sb, n, pauseMs, false);
  }

  /**
   * The same; with {@code onDemand}, every command starts through a launch chain begun for it
   * rather than the one the engine prepared ahead: a variable named with the prepared shell's
   * reserved prefix cannot travel through that shell.
   */
  private static double[] measureExec(
      ManagedChannel ch, CreateSessionResponse sb, int n, int pauseMs, boolean onDemand)
      throws Exception {
    Metadata md = new Metadata();
    md.put(CERT, sb.getCredential().getCredential());
    var data =
        SandboxSessionDataPlaneServiceGrpc.newStub(ch)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
    for (int i = 0; i < 20; i++) {
      execTrue(data, sb.getSession().getId(), onDemand);
    }
    double[] ms = new double[n];
    for (int i = 0; i < n; i++) {
      if (pauseMs > 0) {
        Thread.sleep(pauseMs);
      }
      long t0 = System.nanoTime();
      execTrue(data, sb.getSession().getId(), onDemand);
      ms[i] = (System.nanoTime() - t0) / 1e6;
    }
    return ms;
  }

  /** {@code sandbox.exec("true")} through the Java SDK, in a sandbox of its own. */
  private static double[] measureSdkExec(String endpoint, String token, int n) {
    return measureSdkExec(endpoint, token, n, null);
  }

  /**
   * The same, in working directory {@code cwd} (created first) when not null: a directory other
   * than home must be confirmed before the command starts.
   */
  private static double[] measureSdkExec(String endpoint, String token, int n, String cwd) {
    try (TenkiClient client = TenkiClient.builder().endpoint(endpoint).token(token).build();
        Sandbox sb = client.sandboxes().create(CreateSandboxOptions.builder().build())) {
      ExecOptions.Builder b = ExecOptions.builder("true");
      if (cwd != null) {
        sb.exec("mkdir", "-p", cwd).check();
        b.cwd(cwd);
      }
      ExecOptions opts = b.build();
      for (int i = 0; i < 20; i++) {
        sb.exec(opts).check();
      }
      double[] ms = new double[n];
      for (int i = 0; i < n; i++) {
        long t0 = System.nanoTime();
        sb.exec(opts).check();
        ms[i] = (System.nanoTime() - t0) / 1e6;
      }
      return ms;
    }
  }

  private static void execTrue(
      SandboxSessionDataPlaneServiceGrpc.SandboxSessionDataPlaneServiceStub data,
      String id,
      boolean onDemand)
      throws Exception {
    RunStart.Builder start = RunStart.newBuilder().setSessionId(id).addCmd("true");
    if (onDemand) {
      start.putEnv("_tenki_on_demand", "1");
    }
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    StreamObserver<SandboxSessionDataPlaneServiceRunRequest> req =
        data.run(
            new StreamObserver<SandboxSessionDataPlaneServiceRunResponse>() {
              @Override
              public void onNext(SandboxSessionDataPlaneServiceRunResponse v) {
                if (v.getFrame().hasExit()) {
                  exit.complete(v.getFrame().getExit().getExitCode());
                }
              }

              @Override
              public void onError(Throwable t) {
                exit.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    req.onNext(
        SandboxSessionDataPlaneServiceRunRequest.newBuilder()
            .setFrame(RunRequest.newBuilder().setStart(start))
            .build());
    if (exit.get(30, TimeUnit.SECONDS) != 0) {
      throw new IllegalStateException("true failed");
    }
    req.onCompleted();
  }

  private static void idleMemory(SandboxServiceGrpc.SandboxServiceBlockingStub c, int n)
      throws Exception {
    var mem = ManagementFactory.getMemoryMXBean();
    System.gc();
    long heapBefore = mem.getHeapMemoryUsage().getUsed();
    List<CreateSessionResponse> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      all.add(c.createSession(req()));
    }
    System.gc();
    Thread.sleep(500);
    System.gc();
    long heap = mem.getHeapMemoryUsage().getUsed();
    long rss = 0;
    long pss = 0;
    int procs = 0;
    for (ProcessHandle h : ProcessHandle.current().descendants().toList()) {
      rss += statusKb(h.pid(), "VmRSS:") * 1024;
      pss += rollupKb(h.pid(), "Pss:") * 1024;
      procs++;
    }
    System.out.printf(
        Locale.ROOT,
        "%d idle sandboxes: engine heap used %.1f MiB (%.1f MiB before creating them);"
            + " %d sandbox processes, RSS %.2f MiB per sandbox, PSS %.2f MiB per sandbox%n",
        n,
        heap / 1048576.0,
        heapBefore / 1048576.0,
        procs,
        rss / 1048576.0 / n,
        pss / 1048576.0 / n);
    for (CreateSessionResponse r : all) {
      terminate(c, r);
    }
  }

  /**
   * CPU this process (the engine and what it waits for, such as the disk-quota check) uses per
   * second while one sandbox sits idle: empty, then holding 50,000 files (a project with its
   * dependencies installed). The engine measures each sandbox's disk use every 2 seconds.
   */
  private static void idleCpu(String endpoint, String token) throws InterruptedException {
    try (TenkiClient client = TenkiClient.builder().endpoint(endpoint).token(token).build();
        Sandbox sb = client.sandboxes().create(CreateSandboxOptions.builder().build())) {
      double empty = cpuShare(10);
      sb.shell(
              "mkdir -p deps && cd deps && for d in $(seq 1 50); do mkdir d$d && (cd d$d &&"
                  + " touch $(seq -f f%04g 1 1000)); done")
          .check();
      double full = cpuShare(10);
      System.out.printf(
          Locale.ROOT,
          "idle sandbox: %.1f%% of a core while empty, %.1f%% with 50,000 files%n",
          empty * 100,
          full * 100);
    }
  }

  /** This process's CPU time (its own and its waited-for children's) over wall time. */
  private static double cpuShare(int seconds) throws InterruptedException {
    Thread.sleep(3000); // what started the measurement settles first
    long c0 = cpuTicks();
    long t0 = System.nanoTime();
    Thread.sleep(seconds * 1000L);
    return (cpuTicks() - c0) / 100.0 / ((System.nanoTime() - t0) / 1e9);
  }

  private static long cpuTicks() {
    try {
      String stat = Files.readString(Path.of("/proc/self/stat"));
      String[] f = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
      // utime, stime, cutime, cstime in clock ticks (100 per second on Linux)
      return Long.parseLong(f[11])
          + Long.parseLong(f[12])
          + Long.parseLong(f[13])
          + Long.parseLong(f[14]);
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static long statusKb(long pid, String key) {
    return kb(Path.of("/proc/" + pid + "/status"), key);
  }

  private static long rollupKb(long pid, String key) {
    return kb(Path.of("/proc/" + pid + "/smaps_rollup"), key);
  }

  private static long kb(Path file, String key) {
    try {
      for (String line : Files.readAllLines(file)) {
        if (line.startsWith(key)) {
          return Long.parseLong(line.substring(key.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (Exception e) {
      // process exited meanwhile
    }
    return 0;
  }

  private static void report(String name, double[] ms) {
    System.out.printf(
        Locale.ROOT,
        "%-45s n=%4d  p50=%7.2f ms  p90=%7.2f ms  p99=%7.2f ms%n",
        name,
        ms.length,
        Stats.percentile(ms, 50),
        Stats.percentile(ms, 90),
        Stats.percentile(ms, 99));
  }
}
