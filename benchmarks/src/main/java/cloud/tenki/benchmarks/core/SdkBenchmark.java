package cloud.tenki.benchmarks.core;

import cloud.tenki.benchmarks.HeapWatch;
import cloud.tenki.benchmarks.Stats;
import cloud.tenki.sandbox.CreateSandboxOptions;
import cloud.tenki.sandbox.ExecOptions;
import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.SandboxProcess;
import cloud.tenki.sandbox.TenkiClient;
import java.io.BufferedReader;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * SDK benchmarks: round trip of {@code exec("true")} and streaming of a large stdout through {@code
 * start(...)}, each next to a baseline made with the raw gRPC stubs in the same run.
 *
 * <p>Without {@code --endpoint} it starts the fake Tenki services over h2c on 127.0.0.1 in a child
 * JVM; with it, it measures any engine or the cloud ({@code TENKI_API_KEY} or {@code --token}).
 *
 * <pre>
 * java -Xmx256m -cp ... cloud.tenki.benchmarks.core.SdkBenchmark \
 *     [--endpoint http://127.0.0.1:7000] [--token T] [--round-trips 500] [--warmup 100] \
 *     [--stream-bytes 1073741824]
 * </pre>
 */
public final class SdkBenchmark {
  private SdkBenchmark() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = parse(argv);
    int roundTrips = Integer.parseInt(a.getOrDefault("round-trips", "500"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "100"));
    long streamBytes = Long.parseLong(a.getOrDefault("stream-bytes", Long.toString(1L << 30)));
    Process server = null;
    String endpoint = a.get("endpoint");
    if (endpoint == null) {
      server = startFakeServer();
      endpoint =
          new BufferedReader(new InputStreamReader(server.getInputStream(), StandardCharsets.UTF_8))
              .readLine();
    }
    System.out.printf(
        Locale.ROOT,
        "endpoint: %s%njava: %s, max heap %d MiB%n",
        endpoint,
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20);
    TenkiClient.Builder b = TenkiClient.builder().endpoint(endpoint);
    if (a.containsKey("token")) {
      b.token(a.get("token"));
    }
    try (TenkiClient client = b.build();
        Sandbox sb =
            client.sandboxes().create(CreateSandboxOptions.builder().name("bench").build())) {
      String token =
          a.getOrDefault("token", System.getenv().getOrDefault("TENKI_API_KEY", "local"));
      try (RawGrpc raw =
          endpoint.startsWith("inprocess") ? null : new RawGrpc(endpoint, token, sb.id())) {
        roundTrip(sb, raw, warmup, roundTrips);
        if (a.containsKey("ts-sdk")) {
          tsRoundTrip(a.get("ts-sdk"), endpoint, token, sb, warmup, roundTrips);
        }
        System.out.println("(stream warm-up, not reported)");
        stream(sb, raw, Math.min(streamBytes, 128L << 20), true);
        stream(sb, raw, streamBytes, false);
      }
    } finally {
      if (server != null) {
        server.getOutputStream().close();
        server.waitFor();
      }
    }
  }

  private static Stats roundTrip(Sandbox sb, RawGrpc raw, int warmup, int n) throws Exception {
    for (int i = 0; i < warmup; i++) {
      sb.exec("true").check();
      if (raw != null) {
        raw.run(List.of("true"));
      }
    }
    long[] sdk = new long[n];
    long[] base = new long[n];
    for (int i = 0; i < n; i++) { // interleaved, so drift hits both alike
      long t0 = System.nanoTime();
      sb.exec("true").check();
      sdk[i] = System.nanoTime() - t0;
      if (raw != null) {
        t0 = System.nanoTime();
        raw.run(List.of("true"));
        base[i] = System.nanoTime() - t0;
      }
    }
    Stats s = Stats.of(sdk);
    System.out.println("exec(\"true\") round trip, SDK:      " + s);
    if (raw != null) {
      Stats r = Stats.of(base);
      System.out.println("exec(\"true\") round trip, raw gRPC: " + r);
      System.out.printf(
          Locale.ROOT,
          "RESULT roundtrip_p50_ms=%.3f roundtrip_p99_ms=%.3f raw_p50_ms=%.3f ratio_p50=%.2f%n",
          s.p50Ms(),
          s.p99Ms(),
          r.p50Ms(),
          s.p50Ms() / r.p50Ms());
    }
    return s;
  }

  private static void stream(Sandbox sb, RawGrpc raw, long bytes, boolean quiet) throws Exception {
    List<String> cmd = List.of("head", "-c", Long.toString(bytes), "/dev/zero");
    long total = 0;
    long t0;
    long heapGrowth;
    try (HeapWatch heap = new HeapWatch()) {
      t0 = System.nanoTime();
      try (SandboxProcess p = sb.start(ExecOptions.builder(cmd).onStderr(chunk -> {}).build())) {
        InputStream out = p.stdout();
        byte[] buf = new byte[64 * 1024];
        int n;
        while ((n = out.read(buf)) >= 0) {
          total += n;
        }
        p.waitFor().check();
      }
      heap.close();
      heapGrowth = heap.growth();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    if (total != bytes) {
      throw new IllegalStateException("streamed " + total + " of " + bytes + " bytes");
    }
    double mbs = bytes / 1e6 / secs;
    if (quiet) {
      if (raw != null) {
        raw.run(cmd);
      }
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "stream %d MiB of stdout via start(), SDK: %.2f s, %.0f MB/s, retained heap growth %.1f MiB%n",
        bytes >> 20,
        secs,
        mbs,
        heapGrowth / 1048576.0);
    long c0 = System.nanoTime();
    java.util.concurrent.atomic.AtomicLong seen = new java.util.concurrent.atomic.AtomicLong();
    sb.exec(ExecOptions.builder(cmd).onStdout(chunk -> seen.addAndGet(chunk.length)).build())
        .check();
    double cs = (System.nanoTime() - c0) / 1e9;
    System.out.printf(
        Locale.ROOT,
        "stream %d MiB of stdout via exec(onStdout), SDK: %.2f s, %.0f MB/s%n",
        seen.get() >> 20,
        cs,
        seen.get() / 1e6 / cs);
    if (raw != null) {
      long r0 = System.nanoTime();
      long got = raw.run(cmd);
      double rs = (System.nanoTime() - r0) / 1e9;
      double rmbs = got / 1e6 / rs;
      System.out.printf(
          Locale.ROOT,
          "stream %d MiB of stdout, raw gRPC:       %.2f s, %.0f MB/s%n",
          got >> 20,
          rs,
          rmbs);
      System.out.printf(
          Locale.ROOT,
          "RESULT stream_mb_s=%.0f raw_stream_mb_s=%.0f ratio=%.2f heap_growth_mib=%.1f%n",
          mbs,
          rmbs,
          mbs / rmbs,
          heapGrowth / 1048576.0);
    }
  }

  /**
   * Compares the Java SDK with the official TypeScript SDK ({@code ts-sdk/roundtrip.mjs}, after
   * {@code npm ci} in that directory) on the same endpoint, in batches that alternate between the
   * two (and alternate which goes first), so that load on the machine hits both alike. Each side
   * uses its own sandbox; both are warmed up before the first batch.
   */
  private static void tsRoundTrip(
      String dir, String endpoint, String token, Sandbox sb, int warmup, int n) throws Exception {
    ProcessBuilder pb =
        new ProcessBuilder("node", "roundtrip.mjs").directory(new java.io.File(dir));
    pb.environment().put("TENKI_API_ENDPOINT", endpoint);
    // the TypeScript SDK sends a Bearer header only for tk_ tokens (API keys)
    pb.environment().put("TENKI_AUTH_TOKEN", token.startsWith("tk_") ? token : "tk_" + token);
    pb.environment().put("WARMUP", Integer.toString(warmup));
    pb.environment().put("BATCHED", "1");
    pb.redirectError(ProcessBuilder.Redirect.INHERIT);
    Process p = pb.start();
    try (BufferedReader out =
            new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
        java.io.Writer in =
            new java.io.OutputStreamWriter(p.getOutputStream(), StandardCharsets.UTF_8)) {
      if (!"ready".equals(out.readLine())) {
        System.out.println("TypeScript SDK run failed to start");
        return;
      }
      int batch = 25;
      int rounds = Math.max(1, n / batch);
      long[] java = new long[rounds * batch];
      long[] ts = new long[rounds * batch];
      for (int r = 0; r < rounds; r++) {
        if (r % 2 == 0) {
          javaBatch(sb, java, r * batch, batch);
          tsBatch(in, out, ts, r * batch, batch);
        } else {
          tsBatch(in, out, ts, r * batch, batch);
          javaBatch(sb, java, r * batch, batch);
        }
      }
      in.write("\n");
      in.flush();
      Stats j = Stats.of(java);
      Stats t = Stats.of(ts);
      System.out.println("exec(\"true\") interleaved batches, Java SDK:       " + j);
      System.out.println("exec(\"true\") interleaved batches, TypeScript SDK: " + t);
      System.out.printf(
          Locale.ROOT,
          "RESULT java_p50_ms=%.3f ts_p50_ms=%.3f java_over_ts_p50=%.2f java_over_ts_mean=%.2f"
              + " (<= 1.0: Java no slower)%n",
          j.p50Ms(),
          t.p50Ms(),
          j.p50Ms() / t.p50Ms(),
          j.meanMs() / t.meanMs());
    } finally {
      if (!p.waitFor(30, java.util.concurrent.TimeUnit.SECONDS)) {
        p.destroyForcibly();
      }
    }
  }

  private static void javaBatch(Sandbox sb, long[] into, int from, int count) {
    for (int i = 0; i < count; i++) {
      long t0 = System.nanoTime();
      sb.exec("true").check();
      into[from + i] = System.nanoTime() - t0;
    }
  }

  private static void tsBatch(
      java.io.Writer in, BufferedReader out, long[] into, int from, int count)
      throws java.io.IOException {
    in.write(count + "\n");
    in.flush();
    String line = out.readLine();
    if (line == null || !line.startsWith("batch ")) {
      throw new IllegalStateException("TypeScript SDK batch failed: " + line);
    }
    String[] ms = line.substring(6).trim().split(" ");
    if (ms.length != count) {
      throw new IllegalStateException("expected " + count + " timings, got " + ms.length);
    }
    for (int i = 0; i < count; i++) {
      into[from + i] = (long) (Double.parseDouble(ms[i]) * 1e6);
    }
  }

  private static Process startFakeServer() throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(
            java,
            "-Xmx512m",
            "-cp",
            System.getProperty("java.class.path"),
            FakeServerMain.class.getName())
        .redirectError(ProcessBuilder.Redirect.INHERIT)
        .start();
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + argv[i]);
      }
      m.put(argv[i].substring(2), argv[i + 1]);
    }
    return m;
  }
}
