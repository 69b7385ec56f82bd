package cloud.tenki.benchmarks.mcp;

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
    int i = (int) Math.ceil(p * s.length) - 1;
    return s[Math.max(0, Math.min(s.length - 1, i))] / 1e6;
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
