package cloud.tenki.benchmarks.core;

import java.util.Arrays;
import java.util.Locale;

/** Latency percentiles from a sample of nanosecond timings. */
record Stats(int n, double p50Ms, double p99Ms, double meanMs, double minMs) {
  static Stats of(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    double mean = Arrays.stream(s).average().orElse(0) / 1e6;
    return new Stats(s.length, pct(s, 0.50), pct(s, 0.99), mean, s[0] / 1e6);
  }

  private static double pct(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "n=%d p50=%.3f ms p99=%.3f ms mean=%.3f ms min=%.3f ms",
        n,
        p50Ms,
        p99Ms,
        meanMs,
        minMs);
  }
}
