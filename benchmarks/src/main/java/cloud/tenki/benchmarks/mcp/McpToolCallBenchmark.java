package cloud.tenki.benchmarks.mcp;

import cloud.tenki.sandbox.CreateSandboxOptions;
import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.TenkiClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * MCP tool calls against one standalone local engine (started by its launcher), each next to its
 * baseline in the same run:
 *
 * <ul>
 *   <li>latency of {@code run_command "echo hi"} through tenki-mcp-server over stdio (started by
 *       its launcher, real toolkit), of the bare SDK's {@code exec("bash", "-lc", "echo hi")} (what
 *       {@code run_command} runs for a command line) in this JVM, and of {@code @tenkicloud/mcp}'s
 *       {@code tenki_exec} of the same {@code bash -lc "echo hi"} (Connect JSON to the same
 *       engine), interleaved call by call with the order rotating;
 *   <li>1 GiB of stdout through {@code run_command}: the reply's size and the growth of the server
 *       process's resident memory (peak RSS during the call over the RSS before it).
 * </ul>
 *
 * <pre>
 * java -cp ... cloud.tenki.benchmarks.mcp.McpToolCallBenchmark --engine ENGINE_LAUNCHER \
 *     --server LAUNCHER --node-mcp DIST/index.js [--calls 300] [--warmup 50] [--gap-ms 0]
 *     [--stream-bytes 1073741824, 0 to skip]
 * </pre>
 */
public final class McpToolCallBenchmark {
  private static final String TOKEN = "tk_benchmark";
  private static final int STDOUT_BUDGET = 16 * 1024;

  private McpToolCallBenchmark() {}

  public static void main(String[] argv) throws Exception {
    Map<String, String> a = parse(argv);
    int calls = Integer.parseInt(a.getOrDefault("calls", "300"));
    int warmup = Integer.parseInt(a.getOrDefault("warmup", "50"));
    long gapMs = Long.parseLong(a.getOrDefault("gap-ms", "0"));
    long streamBytes = Long.parseLong(a.getOrDefault("stream-bytes", Long.toString(1L << 30)));
    Path work = Files.createTempDirectory(Path.of("/tmp"), "tenki-mcp-bench-");
    System.out.printf(
        Locale.ROOT,
        "java %s, %d cores, load average at start %.2f%n",
        System.getProperty("java.version"),
        Runtime.getRuntime().availableProcessors(),
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
    Process engine = startEngine(a.get("engine"), work);
    try {
      String endpoint = readEndpoint(engine);
      Map<String, String> env = Map.of("TENKI_API_ENDPOINT", endpoint, "TENKI_AUTH_TOKEN", TOKEN);
      Map<String, String> nodeEnv = Map.of("TENKI_API_ENDPOINT", endpoint, "TENKI_API_KEY", TOKEN);
      try (TenkiClient client = TenkiClient.builder().endpoint(endpoint).token(TOKEN).build();
          Sandbox bare =
              client.sandboxes().create(CreateSandboxOptions.builder().name("sdk").build());
          McpStdioClient ours =
              new McpStdioClient(List.of(a.get("server")), env, work.resolve("server.err"));
          McpStdioClient node =
              new McpStdioClient(
                  List.of("node", a.get("node-mcp")), nodeEnv, work.resolve("node.err"))) {
        latency(bare, ours, node, warmup, calls, gapMs);
        if (streamBytes > 0) { // 0: latency only
          stream(ours, streamBytes);
        }
      }
    } finally {
      engine.destroy();
      if (!engine.waitFor(30, TimeUnit.SECONDS)) {
        engine.destroyForcibly().waitFor();
      }
      cloud.tenki.engine.sandbox.Rootfs.delete(work);
    }
    System.out.printf(
        Locale.ROOT,
        "load average at end %.2f%n",
        ManagementFactory.getOperatingSystemMXBean().getSystemLoadAverage());
  }

  private static void latency(
      Sandbox bare, McpStdioClient ours, McpStdioClient node, int warmup, int calls, long gapMs)
      throws InterruptedException {
    ObjectNode runCommand = McpStdioClient.object().put("command", "echo hi");
    String sessionId = createNodeSandbox(node);
    ObjectNode tenkiExec = McpStdioClient.object().put("session_id", sessionId);
    tenkiExec.put("command", "bash").putArray("args").add("-lc").add("echo hi");
    Runnable[] variants = {
      () -> expectHi(ours.callTool("run_command", runCommand).path("structuredContent")),
      () -> {
        if (!bare.exec("bash", "-lc", "echo hi").check().stdoutText().equals("hi\n")) {
          throw new IllegalStateException("SDK exec: unexpected stdout");
        }
      },
      () -> expectHi(payload(node.callTool("tenki_exec", tenkiExec)))
    };
    Latencies[] results = {
      new Latencies("tenki-mcp-server run_command \"echo hi\"", calls),
      new Latencies("SDK exec(bash -lc \"echo hi\")", calls),
      new Latencies("@tenkicloud/mcp tenki_exec bash -lc \"echo hi\"", calls)
    };
    for (int i = 0; i < warmup + calls; i++) {
      for (int k = 0; k < variants.length; k++) { // rotating order: no variant always goes first
        int v = (i + k) % variants.length;
        if (gapMs > 0) {
          Thread.sleep(gapMs); // the previous call's after-effects (a refilled launch) settle
        }
        long t0 = System.nanoTime();
        variants[v].run();
        long elapsed = System.nanoTime() - t0;
        if (i >= warmup) {
          results[v].add(elapsed);
        }
      }
    }
    for (Latencies l : results) {
      System.out.println(l);
    }
    double ours50 = results[0].percentileMs(0.5);
    System.out.printf(
        Locale.ROOT,
        "RESULT run_command_latency ours_p50_ms=%.2f sdk_p50_ms=%.2f node_mcp_p50_ms=%.2f"
            + " ours_over_sdk_p50=%.2f (target <= 1.2) node_mcp_over_ours_p50=%.1f (target >= 5)"
            + " ours_over_sdk_mean=%.2f node_mcp_over_ours_mean=%.1f%n",
        ours50,
        results[1].percentileMs(0.5),
        results[2].percentileMs(0.5),
        ours50 / results[1].percentileMs(0.5),
        results[2].percentileMs(0.5) / ours50,
        results[0].meanMs() / results[1].meanMs(),
        results[2].meanMs() / results[0].meanMs());
  }

  private static void stream(McpStdioClient ours, long bytes) throws Exception {
    String command =
        "yes 'the quick brown fox jumps over the lazy dog 0123456789' | head -c " + bytes;
    ObjectNode args = McpStdioClient.object().put("command", command);
    args.put("timeout_seconds", 1800);
    long before = ProcessMemory.rssKib(ours.pid());
    long t0 = System.nanoTime();
    JsonNode result;
    long peak;
    try (ProcessMemory rss = new ProcessMemory(ours.pid(), 10)) {
      result = ours.callTool("run_command", args);
      rss.close();
      peak = rss.peakKib();
    }
    double secs = (System.nanoTime() - t0) / 1e9;
    JsonNode structured = result.path("structuredContent");
    int stdoutChars = structured.path("stdout").asText().length();
    if (!structured.path("stdout_truncated").asBoolean(false) || stdoutChars > STDOUT_BUDGET) {
      throw new IllegalStateException(
          "stdout not cut to the budget: " + stdoutChars + " chars, " + structured);
    }
    double growthMib = (peak - before) / 1024.0;
    System.out.printf(
        Locale.ROOT,
        "run_command with %d MiB of stdout: %.2f s (%.0f MB/s); reply %d bytes, stdout %d chars"
            + " (budget %d), spill file %s%n",
        bytes >> 20,
        secs,
        bytes / 1e6 / secs,
        ours.lastReplyBytes(),
        stdoutChars,
        STDOUT_BUDGET,
        structured.path("stdout_file").asText());
    System.out.printf(
        Locale.ROOT,
        "server RSS before %.1f MiB, peak during the call %.1f MiB, after %.1f MiB%n",
        before / 1024.0,
        peak / 1024.0,
        ProcessMemory.rssKib(ours.pid()) / 1024.0);
    System.out.printf(
        Locale.ROOT,
        "RESULT stream_mib=%d reply_bytes=%d server_rss_growth_mib=%.1f (target < 64) mb_s=%.0f%n",
        bytes >> 20,
        ours.lastReplyBytes(),
        growthMib,
        bytes / 1e6 / secs);
  }

  private static String createNodeSandbox(McpStdioClient node) {
    ObjectNode args = McpStdioClient.object().put("name", "node-mcp");
    args.put("max_duration_seconds", 3600);
    String id =
        payload(node.callTool("tenki_create_sandbox", args)).path("session").path("id").asText();
    if (id.isEmpty()) {
      throw new IllegalStateException("@tenkicloud/mcp created no sandbox");
    }
    return id;
  }

  /** The structured result of a @tenkicloud/mcp tool: structuredContent, else its JSON text. */
  private static JsonNode payload(JsonNode result) {
    if (result.has("structuredContent")) {
      return result.get("structuredContent");
    }
    try {
      return new ObjectMapper().readTree(result.path("content").path(0).path("text").asText());
    } catch (Exception e) {
      throw new IllegalStateException("not JSON: " + result, e);
    }
  }

  private static void expectHi(JsonNode structured) {
    if (!structured.path("stdout").asText().equals("hi\n")) {
      throw new IllegalStateException("unexpected result " + structured);
    }
  }

  private static Process startEngine(String launcher, Path work) throws Exception {
    Path state = Files.createDirectories(work.resolve("engine"));
    ProcessBuilder pb =
        new ProcessBuilder(launcher, "--port", "0", "--state-dir", state.toString())
            .redirectError(work.resolve("engine.err").toFile());
    // the launcher runs the JDK this benchmark runs on
    pb.environment().put("JAVA_HOME", System.getProperty("java.home"));
    return pb.start();
  }

  private static String readEndpoint(Process engine) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(engine.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    if (line == null || !line.startsWith("TENKI_API_ENDPOINT=")) {
      throw new IllegalStateException("the engine did not print its endpoint: " + line);
    }
    return line.substring("TENKI_API_ENDPOINT=".length());
  }

  private static Map<String, String> parse(String[] argv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i + 1 < argv.length; i += 2) {
      if (!argv[i].startsWith("--")) {
        throw new IllegalArgumentException("expected --name value, got " + argv[i]);
      }
      m.put(argv[i].substring(2), argv[i + 1]);
    }
    for (String required : List.of("engine", "server", "node-mcp")) {
      if (!m.containsKey(required)) {
        throw new IllegalArgumentException("--" + required + " is required");
      }
    }
    return m;
  }
}
