package cloud.tenki.benchmarks;

import java.util.Arrays;
import java.util.Locale;

/**
 * Latency summary of nanosecond timings, in milliseconds, and the nearest-rank percentile every
 * benchmark here reports.
 */
public record Stats(int n, double p50Ms, double p90Ms, double p99Ms, double meanMs, double minMs) {

  /** Summarises {@code nanos} (not modified). */
  public static Stats of(long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    double mean = Arrays.stream(s).average().orElse(0) / 1e6;
    return new Stats(
        s.length,
        percentileMs(s, 0.50),
        percentileMs(s, 0.90),
        percentileMs(s, 0.99),
        mean,
        s[0] / 1e6);
  }

  /** Nearest-rank percentile {@code p} (0..1) of sorted nanosecond timings, in milliseconds. */
  public static double percentileMs(long[] sortedNanos, double p) {
    return sortedNanos[rank(sortedNanos.length, p)] / 1e6;
  }

  /** Nearest-rank percentile {@code pct} (0..100) of {@code values} (not modified). */
  public static double percentile(double[] values, int pct) {
    double[] s = values.clone();
    Arrays.sort(s);
    return s[rank(s.length, pct / 100.0)];
  }

  private static int rank(int length, double p) {
    return Math.max(0, Math.min(length - 1, (int) Math.ceil(p * length) - 1));
  }

  @Override
  public String toString() {
    return String.format(
        Locale.ROOT,
        "n=%d p50=%.3f ms p90=%.3f ms p99=%.3f ms mean=%.3f ms min=%.3f ms",
        n,
        p50Ms,
        p90Ms,
        p99Ms,
        meanMs,
        minMs);
  }
}
