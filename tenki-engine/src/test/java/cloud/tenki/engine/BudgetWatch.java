package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.engine.memory.MemoryBudget;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/** Polls an engine's memory budget with a deadline (what calls hold is released asynchronously). */
final class BudgetWatch {

  private BudgetWatch() {}

  /** Waits (up to 15 s) until nothing is charged, and fails the test otherwise. */
  static void awaitAllFree(MemoryBudget budget) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (budget.available() != budget.capacity() && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
    assertThat(budget.available())
        .as("free bytes of the memory budget")
        .isEqualTo(budget.capacity());
  }

  /** Waits (up to 30 s) until at least {@code bytes} are charged. */
  static void awaitCharged(MemoryBudget budget, long bytes) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (budget.capacity() - budget.available() < bytes && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
    assertThat(budget.capacity() - budget.available())
        .as("charged bytes")
        .isGreaterThanOrEqualTo(bytes);
  }

  /** Waits (up to 30 s) until at least {@code n} charges wait for room. */
  static void awaitWaiting(MemoryBudget budget, int n) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (budget.waiting() < n && System.nanoTime() < deadline) {
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(2));
    }
    assertThat(budget.waiting()).as("charges waiting for room").isGreaterThanOrEqualTo(n);
  }
}
