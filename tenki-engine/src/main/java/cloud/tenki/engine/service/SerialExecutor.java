package cloud.tenki.engine.service;

import java.util.ArrayDeque;
import java.util.Queue;
import java.util.concurrent.Executor;

/** Runs tasks one at a time, in submission order, on a shared pool. */
final class SerialExecutor implements Executor {

  private final Queue<Runnable> tasks = new ArrayDeque<>();
  private final Executor pool;
  private Runnable active;

  SerialExecutor(Executor pool) {
    this.pool = pool;
  }

  @Override
  public synchronized void execute(Runnable r) {
    tasks.add(
        () -> {
          try {
            r.run();
          } finally {
            next();
          }
        });
    if (active == null) {
      next();
    }
  }

  private synchronized void next() {
    active = tasks.poll();
    if (active != null) {
      pool.execute(active);
    }
  }
}
