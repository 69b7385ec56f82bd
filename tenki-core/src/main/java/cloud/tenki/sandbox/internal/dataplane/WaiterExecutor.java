package cloud.tenki.sandbox.internal.dataplane;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * An executor without threads of its own: what is submitted runs on whichever thread waits in
 * {@link #await}. A stream whose callbacks must run in the waiting thread's context anyway (the
 * waiter wakes up for every message) saves the hand-off through a pool thread that way. gRPC
 * serialises a call's callbacks on top of any executor, so two waiters never run them at once.
 *
 * <p>Thread-safe.
 */
final class WaiterExecutor implements Executor {
  private final LinkedBlockingQueue<Runnable> tasks = new LinkedBlockingQueue<>();

  @Override
  public void execute(Runnable task) {
    tasks.add(task);
  }

  /** Runs one submitted task, waiting at most {@code timeoutNanos} for one. */
  void runOne(long timeoutNanos) throws InterruptedException {
    Runnable task = tasks.poll(timeoutNanos, TimeUnit.NANOSECONDS);
    if (task != null) {
      task.run();
    }
  }

  /** Runs submitted tasks until {@code done} completes, then returns its value. */
  <T> T await(CompletableFuture<T> done) throws InterruptedException, ExecutionException {
    while (!done.isDone()) {
      tasks.take().run();
    }
    return done.get();
  }

  /**
   * Runs submitted tasks until {@code done} completes, then returns its value.
   *
   * @throws TimeoutException when {@code done} is still pending after {@code timeoutNanos}
   */
  <T> T await(CompletableFuture<T> done, long timeoutNanos)
      throws InterruptedException, ExecutionException, TimeoutException {
    long start = System.nanoTime();
    while (!done.isDone()) {
      long left = timeoutNanos - (System.nanoTime() - start);
      if (left <= 0) {
        throw new TimeoutException();
      }
      Runnable task = tasks.poll(left, TimeUnit.NANOSECONDS);
      if (task != null) {
        task.run();
      }
    }
    return done.get();
  }
}
