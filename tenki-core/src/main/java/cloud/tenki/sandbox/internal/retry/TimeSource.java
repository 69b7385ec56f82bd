package cloud.tenki.sandbox.internal.retry;

import cloud.tenki.sandbox.Sleeper;
import cloud.tenki.sandbox.TenkiException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;

/** The clock and sleeper the SDK uses for backoff, deadlines and credential renewal. */
public record TimeSource(Clock clock, Sleeper sleeper) {

  public static TimeSource system() {
    return new TimeSource(
        Clock.systemUTC(), d -> Thread.sleep(d.toMillis(), d.toNanosPart() % 1_000_000));
  }

  public Instant now() {
    return clock.instant();
  }

  /** Sleeps; an interrupt keeps the flag set and surfaces as a cancellation. */
  public void sleep(Duration d) {
    try {
      sleeper.sleep(d);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TenkiException("interrupted while waiting", "cancelled", null, e);
    }
  }
}
