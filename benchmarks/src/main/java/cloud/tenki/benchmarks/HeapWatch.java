package cloud.tenki.benchmarks;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * Retained heap, measured as the heap in use right after each garbage collection (garbage that a
 * collection would free is not growth). Sampled every 20 ms from a daemon thread while a benchmark
 * runs, against a baseline taken after a full collection. Closing it again is harmless.
 */
public final class HeapWatch implements AutoCloseable {
  private final long baseline;
  private volatile long peak;
  private volatile boolean running = true;
  private final Thread sampler;

  public HeapWatch() {
    System.gc();
    baseline = afterGc();
    peak = baseline;
    sampler =
        new Thread(
            () -> {
              while (running) {
                peak = Math.max(peak, afterGc());
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "heap-watch");
    sampler.setDaemon(true);
    sampler.start();
  }

  /** Heap used after the most recent collection, summed over heap pools. */
  static long afterGc() {
    long sum = 0;
    for (MemoryPoolMXBean pool : ManagementFactory.getMemoryPoolMXBeans()) {
      if (pool.getType() == MemoryType.HEAP) {
        MemoryUsage u = pool.getCollectionUsage();
        if (u != null) {
          sum += u.getUsed();
        }
      }
    }
    return sum;
  }

  /** Peak retained heap above the baseline, in bytes. */
  public long growth() {
    return Math.max(0, peak - baseline);
  }

  @Override
  public void close() {
    if (running) {
      running = false;
      sampler.interrupt();
      peak = Math.max(peak, afterGc());
    }
  }
}
