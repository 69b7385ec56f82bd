package cloud.tenki.sandbox.internal.retry;

import cloud.tenki.sandbox.TenkiException;
import java.time.Duration;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Retries safe calls on retryable errors with capped, jittered exponential backoff. Unsafe calls
 * (creating, mutating) are never retried here: a retry could repeat a side effect.
 */
public final class Retrier {
  private static final Logger log = LoggerFactory.getLogger(Retrier.class);

  private final int maxAttempts;
  private final Duration base;
  private final Duration cap;
  private final TimeSource time;

  public Retrier(int maxAttempts, Duration base, Duration cap, TimeSource time) {
    this.maxAttempts = maxAttempts;
    this.base = base;
    this.cap = cap;
    this.time = time;
  }

  public TimeSource time() {
    return time;
  }

  /** Runs {@code call}, retrying when {@code safe} and the error is retryable. */
  public <T> T call(String operation, boolean safe, Supplier<T> call) {
    for (int attempt = 1; ; attempt++) {
      try {
        return call.get();
      } catch (TenkiException e) {
        if (!safe || !e.retryable() || attempt >= maxAttempts) {
          throw e;
        }
        Duration d = delay(attempt);
        log.debug("{} failed ({}), retry {} in {} ms", operation, e.code(), attempt, d.toMillis());
        time.sleep(d);
      }
    }
  }

  /** Equal jitter: half the capped exponential delay, plus a random part of the other half. */
  public Duration delay(int attempt) {
    long exp = base.toMillis() << Math.min(attempt - 1, 20);
    long capped = Math.min(cap.toMillis(), exp);
    long half = capped / 2;
    return Duration.ofMillis(half + ThreadLocalRandom.current().nextLong(half + 1));
  }
}
