package cloud.tenki.benchmarks.toolkit;

import java.util.Arrays;
import java.util.Locale;

/** Latency percentiles of nanosecond timings, in milliseconds. */
record Percentiles(int n, double p50Ms, double p90Ms, double p99Ms, double meanMs) {

  static Percentiles of(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    double mean = Arrays.stream(s).average().orElse(0) / 1e6;
    return new Percentiles(s.length, at(s, 0.50), at(s, 0.90), at(s, 0.99), mean);
  }

  private static double at(long[] sorted, double p) {
    int i = (int) Math.ceil(p * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1e6;
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "n=%d p50=%.3f ms p90=%.3f ms p99=%.3f ms mean=%.3f ms",
        n,
        p50Ms,
        p90Ms,
        p99Ms,
        meanMs);
  }
}
