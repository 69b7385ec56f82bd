package cloud.tenki.sandbox;

import java.time.Duration;

/**
 * How the SDK waits between retries and readiness probes. The default sleeps the calling thread;
 * tests inject one that advances a fake clock instead, so backoff never costs real time.
 *
 * <pre>{@code
 * List<Duration> slept = new CopyOnWriteArrayList<>();
 * TenkiClient client = TenkiClient.builder().sleeper(slept::add).build();
 * }</pre>
 *
 * <p>Implementations must be thread-safe.
 */
@FunctionalInterface
public interface Sleeper {
  /** Waits for {@code duration}. */
  void sleep(Duration duration) throws InterruptedException;
}
