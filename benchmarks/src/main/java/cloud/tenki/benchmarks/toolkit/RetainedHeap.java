package cloud.tenki.benchmarks.toolkit;

import java.lang.management.ManagementFactory;
import java.lang.management.MemoryPoolMXBean;
import java.lang.management.MemoryType;
import java.lang.management.MemoryUsage;

/**
 * Growth of the retained heap while something runs: the heap in use right after each garbage
 * collection (what a collection cannot free), sampled every 20 ms, against a baseline taken after a
 * full collection. Garbage is not growth.
 */
final class RetainedHeap implements AutoCloseable {
  private final long baseline;
  private volatile long peak;
  private volatile boolean running = true;
  private final Thread sampler;

  RetainedHeap() {
    System.gc();
    baseline = afterLastCollection();
    peak = baseline;
    sampler =
        new Thread(
            () -> {
              while (running) {
                peak = Math.max(peak, afterLastCollection());
                try {
                  Thread.sleep(20);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "retained-heap");
    sampler.setDaemon(true);
    sampler.start();
  }

  private static long afterLastCollection() {
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
  long growth() {
    return Math.max(0, peak - baseline);
  }

  @Override
  public void close() {
    if (running) {
      running = false;
      sampler.interrupt();
      peak = Math.max(peak, afterLastCollection());
    }
  }
}
