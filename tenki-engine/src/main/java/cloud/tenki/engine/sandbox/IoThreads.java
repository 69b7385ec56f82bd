package cloud.tenki.engine.sandbox;

import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The engine's pool for blocking pipe I/O (process output pumps, stdin writers, helpers). Threads
 * are daemons so a leaked blocking read can never keep the JVM alive.
 */
public final class IoThreads {

  private static final AtomicInteger COUNTER = new AtomicInteger();

  /** Unbounded cached pool: each running command holds a few threads while it runs. */
  public static final ExecutorService POOL =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(null, r, "tenki-io-" + COUNTER.incrementAndGet(), 256 * 1024);
            t.setDaemon(true);
            return t;
          });

  private IoThreads() {}
}
