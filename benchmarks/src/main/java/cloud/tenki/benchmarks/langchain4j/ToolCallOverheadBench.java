package cloud.tenki.benchmarks.langchain4j;

import cloud.tenki.benchmarks.Stats;
import cloud.tenki.langchain4j.TenkiLangChain4j;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import cloud.tenki.sandbox.agent.ToolResult;
import dev.langchain4j.service.AiServices;
import java.util.Arrays;
import java.util.Locale;
import java.util.Map;

/**
 * What a sandbox tool call costs through LangChain4j over the toolkit call alone.
 *
 * <p>In one run, against the embedded local engine, interleaved iteration by iteration (the order
 * alternating) so load on the machine hits every variant alike:
 *
 * <ul>
 *   <li>{@code toolkit}: {@code toolkit.call(key, "run_command", {command: "true"})};
 *   <li>{@code @Tool}: an AI service with {@code .tools(tenki.sandboxTools())} whose scripted model
 *       asks for the same call, then answers: one {@code chat(...)} is two model round trips, the
 *       tool dispatch, argument conversion and result mapping;
 *   <li>{@code ToolProvider}: the same with {@code .toolProvider(tenki.toolProvider())}.
 * </ul>
 *
 * <p>Arguments: iterations (default 300), warm-up iterations (default 100).
 */
public final class ToolCallOverheadBench {

  interface Assistant {
    String chat(String message);
  }

  private ToolCallOverheadBench() {}

  public static void main(String[] args) {
    int iterations = args.length > 0 ? Integer.parseInt(args[0]) : 300;
    int warmup = args.length > 1 ? Integer.parseInt(args[1]) : 100;
    try (TenkiClient client = TenkiClient.builder().environment(Map.of()).localEngine().build();
        TenkiLangChain4j tenki = TenkiLangChain4j.builder().client(client).build()) {
      run(tenki, iterations, warmup);
    }
  }

  private static void run(TenkiLangChain4j tenki, int iterations, int warmup) {
    SandboxToolkit toolkit = tenki.toolkit();
    Map<String, Object> args = Map.of("command", "true");
    // the AI services use the default conversation; the toolkit alone uses its own key
    Assistant viaTools =
        AiServices.builder(Assistant.class)
            .chatModel(new OneToolCallModel())
            .tools(tenki.sandboxTools())
            .build();
    Assistant viaProvider =
        AiServices.builder(Assistant.class)
            .chatModel(new OneToolCallModel())
            .toolProvider(tenki.toolProvider())
            .build();
    Runnable[] variants = {
      () -> check(toolkit.call("bench", "run_command", args)),
      () -> checkAnswer(viaTools.chat("run it")),
      () -> checkAnswer(viaProvider.chat("run it"))
    };
    String[] names = {
      "toolkit.call run_command true", "AiServices @Tool", "AiServices ToolProvider"
    };
    for (int i = 0; i < warmup; i++) {
      for (Runnable v : variants) {
        v.run();
      }
    }
    long[][] nanos = new long[variants.length][iterations];
    for (int i = 0; i < iterations; i++) {
      for (int k = 0; k < variants.length; k++) {
        int v = (i + k) % variants.length; // rotate the order
        long t0 = System.nanoTime();
        variants[v].run();
        nanos[v][i] = System.nanoTime() - t0;
      }
    }
    System.out.printf(
        Locale.ROOT,
        "host: %d cores, %s %s, java %s%n",
        Runtime.getRuntime().availableProcessors(),
        System.getProperty("os.name"),
        System.getProperty("os.version"),
        System.getProperty("java.version"));
    double[] p50 = new double[variants.length];
    for (int v = 0; v < variants.length; v++) {
      long[] s = nanos[v].clone();
      Arrays.sort(s);
      p50[v] = Stats.percentileMs(s, 0.50);
      System.out.printf(
          Locale.ROOT,
          "%-32s n=%d p50=%.3f ms p90=%.3f ms p99=%.3f ms mean=%.3f ms%n",
          names[v],
          s.length,
          p50[v],
          Stats.percentileMs(s, 0.90),
          Stats.percentileMs(s, 0.99),
          Arrays.stream(s).average().orElse(0) / 1e6);
    }
    System.out.printf(
        Locale.ROOT,
        "RESULT ratio_p50 @Tool/toolkit=%.3f ToolProvider/toolkit=%.3f"
            + " overhead_p50_ms @Tool=%.3f ToolProvider=%.3f%n",
        p50[1] / p50[0],
        p50[2] / p50[0],
        p50[1] - p50[0],
        p50[2] - p50[0]);
  }

  private static void check(ToolResult r) {
    if (r.isError() || !r.text().startsWith("Exit code 0")) {
      throw new IllegalStateException("the tool call failed: " + r.text());
    }
  }

  private static void checkAnswer(String answer) {
    if (!answer.startsWith("Exit code 0")) {
      throw new IllegalStateException("the tool call failed: " + answer);
    }
  }
}
