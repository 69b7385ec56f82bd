package cloud.tenki.engine.concurrent;

import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Timeouts for work that nearly always finishes in time: the wait for a prepared shell's answer, a
 * memory charge waiting for room. One daemon thread for every engine in the JVM, and a cancelled
 * timeout leaves the queue at once, so a timeout per call costs a queue entry for as long as the
 * call, not for the full delay. (A {@code CompletableFuture} delayed executor keeps every entry for
 * its full delay and then starts a thread for it on a host with one or two cores.) Thread-safe.
 */
public final class Timeouts {

  private static final ScheduledThreadPoolExecutor TIMER = timer();

  private Timeouts() {}

  private static ScheduledThreadPoolExecutor timer() {
    ScheduledThreadPoolExecutor e =
        new ScheduledThreadPoolExecutor(
            1,
            r -> {
              Thread t = new Thread(r, "tenki-timeouts");
              t.setDaemon(true);
              return t;
            });
    e.setRemoveOnCancelPolicy(true);
    return e;
  }

  /** Runs {@code action} after {@code delay} unless the returned future is cancelled first. */
  public static ScheduledFuture<?> after(long delay, TimeUnit unit, Runnable action) {
    return TIMER.schedule(action, delay, unit);
  }
}
