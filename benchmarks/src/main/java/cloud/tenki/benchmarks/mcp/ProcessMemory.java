package cloud.tenki.benchmarks.mcp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Samples the resident set size of another process from {@code /proc/PID/status} on a daemon thread
 * (Linux only) and keeps the peak. Close it to stop sampling.
 */
final class ProcessMemory implements AutoCloseable {
  private final long pid;
  private final Thread sampler;
  private volatile boolean running = true;
  private volatile long peakKib;

  ProcessMemory(long pid, long periodMillis) {
    this.pid = pid;
    this.peakKib = rssKib(pid);
    this.sampler =
        new Thread(
            () -> {
              while (running) {
                peakKib = Math.max(peakKib, rssKib(pid));
                try {
                  Thread.sleep(periodMillis);
                } catch (InterruptedException e) {
                  return;
                }
              }
            },
            "rss-sampler");
    sampler.setDaemon(true);
    sampler.start();
  }

  long peakKib() {
    return peakKib;
  }

  /** Current RSS of {@code pid} in KiB, from the VmRSS line. */
  static long rssKib(long pid) {
    return field(pid, "VmRSS:");
  }

  static long field(long pid, String name) {
    try {
      for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
        if (line.startsWith(name)) {
          return Long.parseLong(line.substring(name.length()).trim().split("\\s+")[0]);
        }
      }
    } catch (IOException | NumberFormatException e) {
      throw new IllegalStateException("cannot read the memory of process " + pid, e);
    }
    throw new IllegalStateException("no " + name + " for process " + pid);
  }

  @Override
  public void close() throws InterruptedException {
    running = false;
    sampler.interrupt();
    sampler.join();
    peakKib = Math.max(peakKib, rssKib(pid));
  }
}
