package cloud.tenki.benchmarks.mcp;

import cloud.tenki.benchmarks.Stats;
import java.util.Arrays;
import java.util.Locale;

/** Nanosecond timings of one variant, summarised in milliseconds. Not thread-safe. */
final class Latencies {
  private final String name;
  private final long[] nanos;
  private int n;

  Latencies(String name, int capacity) {
    this.name = name;
    this.nanos = new long[capacity];
  }

  void add(long elapsedNanos) {
    nanos[n++] = elapsedNanos;
  }

  double percentileMs(double p) {
    long[] s = Arrays.copyOf(nanos, n);
    Arrays.sort(s);
    return Stats.percentileMs(s, p);
  }

  double meanMs() {
    return Arrays.stream(nanos, 0, n).average().orElse(0) / 1e6;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "%-44s n=%d p10=%.2f ms p50=%.2f ms p90=%.2f ms p99=%.2f ms mean=%.2f ms",
        name,
        n,
        percentileMs(0.10),
        percentileMs(0.50),
        percentileMs(0.90),
        percentileMs(0.99),
        meanMs());
  }
}
