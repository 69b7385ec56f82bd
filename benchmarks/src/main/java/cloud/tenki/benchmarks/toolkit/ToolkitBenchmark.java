package cloud.tenki.benchmarks.toolkit;

import cloud.tenki.benchmarks.HeapWatch;
import cloud.tenki.benchmarks.Stats;
import cloud.tenki.sandbox.CreateSandboxOptions;
import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.CallOptions;
import cloud.tenki.sandbox.agent.OutputBudget;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import cloud.tenki.sandbox.agent.ToolResult;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Agent toolkit benchmarks, each against a baseline measured in the same run on the same backend:
 *
 * <ul>
 *   <li>overhead: {@code run_command} of {@code echo hi} (and {@code run_code} of the same in
 *       {@code sh}) through the toolkit next to the bare SDK's {@code exec} of the same command,
 *       interleaved call by call, for argv and for a shell command line ({@code bash -lc}, which is
 *       what the toolkit runs for {@code command});
 *   <li>memory: 1 GiB of stdout through {@code run_command} with a 16 KiB budget, with the retained
 *       heap (heap in use after each collection) sampled while it streams.
 * </ul>
 *
 * <p>Without {@code --endpoint} it starts the local engine inside this JVM.
 *
 * <pre>
 * java -Xmx512m -cp ... cloud.tenki.benchmarks.toolkit.ToolkitBenchmark \
 *     [--endpoint URL] [--token T] [--calls 500] [--warmup 100] [--stream-bytes 1073741824]
 * </pre>
 */
public final class ToolkitBenchmark {
  private ToolkitBenchmark() {}

  public static void main(String[] argv) {
    Map<String, String> a = parse(argv);
    int calls = Integer.parseInt(a.getOrDefault("calls", "500"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "100"));
    long streamBytes = Long.parseLong(a.getOrDefault("stream-bytes", Long.toString(1L << 30)));
    TenkiClient.Builder b = TenkiClient.builder();
    if (a.containsKey("endpoint")) {
      b.endpoint(a.get("endpoint"));
      if (a.containsKey("token")) {
        b.token(a.get("token"));
      }
    } else {
      b.environment(Map.of()).localEngine();
    }
    System.out.printf(
        Locale.ROOT,
        "backend: %s%njava: %s, max heap %d MiB, %d cores%n",
        a.getOrDefault("endpoint", "local engine in this JVM"),
        System.getProperty("java.version"),
        Runtime.getRuntime().maxMemory() >> 20,
        Runtime.getRuntime().availableProcessors());
    try (TenkiClient client = b.build();
        Sandbox bare =
            client.sandboxes().create(CreateSandboxOptions.builder().name("bench").build());
        SandboxToolkit toolkit =
            SandboxToolkit.builder()
                .client(client)
                .stdoutBudget(OutputBudget.ofChars(16 * 1024))
                .build()) {
      overhead(
          "argv [echo, hi]",
          () -> check(toolkit.call("bench", "run_command", Map.of("argv", List.of("echo", "hi")))),
          () -> bare.exec("echo", "hi").check(),
          warmup,
          calls);
      overhead(
          "command \"echo hi\" (bash -lc)",
          () -> check(toolkit.call("bench", "run_command", Map.of("command", "echo hi"))),
          () -> bare.exec("bash", "-lc", "echo hi").check(),
          warmup,
          calls);
      // run_code also writes the code to a file and watches the output folder for images
      overhead(
          "run_code",
          "sh \"echo hi\"",
          () ->
              check(toolkit.call("bench", "run_code", Map.of("language", "sh", "code", "echo hi"))),
          () -> bare.exec("sh", "-c", "echo hi").check(),
          warmup,
          calls);
      stream(toolkit, Math.min(streamBytes, 64L << 20), true);
      stream(toolkit, streamBytes, false);
    }
  }

  private static void overhead(String what, Runnable toolkit, Runnable sdk, int warmup, int n) {
    overhead("run_command", what, toolkit, sdk, warmup, n);
  }

  private static void overhead(
      String tool, String what, Runnable toolkit, Runnable sdk, int warmup, int n) {
    for (int i = 0; i < warmup; i++) {
      toolkit.run();
      sdk.run();
    }
    long[] tk = new long[n];
    long[] base = new long[n];
    for (int i = 0; i < n; i++) { // interleaved, so drift hits both alike
      long t0 = System.nanoTime();
      toolkit.run();
      tk[i] = System.nanoTime() - t0;
      t0 = System.nanoTime();
      sdk.run();
      base[i] = System.nanoTime() - t0;
    }
    Stats t = Stats.of(tk);
    Stats s = Stats.of(base);
    System.out.println(tool + " " + what + ", toolkit: " + t);
    System.out.println("exec".concat(" ".repeat(tool.length() - 3)) + what + ", SDK:     " + s);
    System.out.printf(
        Locale.ROOT,
        "RESULT overhead %s: ratio_p50=%.2f ratio_mean=%.2f%s%n",
        tool.equals("run_command") ? what : tool + " " + what,
        t.p50Ms() / s.p50Ms(),
        t.meanMs() / s.meanMs(),
        tool.equals("run_command") ? " (target <= 1.2)" : "");
  }

  private static void stream(SandboxToolkit toolkit, long bytes, boolean warmup) {
    String command =
        "yes 'the quick brown fox jumps over the lazy dog 0123456789' | head -c " + bytes;
    AtomicLong seen = new AtomicLong();
    long t0;
    ToolResult r;
    long growth;
    try (HeapWatch heap = new HeapWatch()) {
      t0 = System.nanoTime();
      r =
          toolkit.call(
              "stream",
              "run_command",
              Map.of("command", command, "timeout_seconds", 1800),
              CallOptions.listener((stream, text) -> seen.addAndGet(text.length())));
      heap.close();
      growth = heap.growth();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    check(r);
    if (seen.get() != bytes || !Boolean.TRUE.equals(r.structured().get("stdout_truncated"))) {
      throw new IllegalStateException("streamed " + seen.get() + " of " + bytes + ": " + r.text());
    }
    if (warmup) {
      System.out.println("(stream warm-up, not reported)");
      return;
    }
    System.out.printf(
        Locale.ROOT,
        "run_command with %d MiB of stdout, 16 KiB budget: %.2f s, %.0f MB/s, result text %d chars,"
            + " spill file %s%n",
        bytes >> 20,
        secs,
        bytes / 1e6 / secs,
        r.text().length(),
        r.structured().get("stdout_file"));
    System.out.printf(
        Locale.ROOT,
        "RESULT stream_mib=%d heap_growth_mib=%.1f (target < 32) mb_s=%.0f%n",
        bytes >> 20,
        growth / 1048576.0,
        bytes / 1e6 / secs);
  }

  private static void check(ToolResult r) {
    if (r.isError()) {
      throw new IllegalStateException(r.text());
    }
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
