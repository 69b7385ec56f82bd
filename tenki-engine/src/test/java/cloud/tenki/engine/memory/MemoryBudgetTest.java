package cloud.tenki.engine.memory;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class MemoryBudgetTest {

  private static final long MIB = 1024 * 1024;

  private static Status.Code codeOf(CompletableFuture<?> f) throws InterruptedException {
    try {
      f.get(30, TimeUnit.SECONDS);
      return Status.Code.OK;
    } catch (ExecutionException e) {
      return Status.fromThrowable(e.getCause()).getCode();
    } catch (java.util.concurrent.TimeoutException e) {
      throw new AssertionError("charge neither granted nor refused", e);
    }
  }

  @Test
  void chargesAreGrantedInOrderAsRoomReturns() throws Exception {
    MemoryBudget b = new MemoryBudget(10 * MIB, Duration.ofSeconds(30));
    Account first = b.open(2);
    Account second = b.open(1);
    Account third = b.open(1);
    Charge c = first.chargeLater(4 * MIB).join();
    assertThat(c.bytes()).isEqualTo(8 * MIB);
    assertThat(b.available()).isEqualTo(2 * MIB);

    CompletableFuture<Charge> big = second.chargeLater(6 * MIB);
    CompletableFuture<Charge> small = third.chargeLater(1 * MIB);
    // the small one would fit, but it came later: nobody overtakes a waiting charge
    assertThat(big).isNotDone();
    assertThat(small).isNotDone();
    assertThat(third.tryCharge(1 * MIB)).isNull();

    c.release();
    assertThat(big.get(5, TimeUnit.SECONDS).bytes()).isEqualTo(6 * MIB);
    assertThat(small.get(5, TimeUnit.SECONDS).bytes()).isEqualTo(1 * MIB);
    assertThat(b.available()).isEqualTo(3 * MIB);

    first.close();
    second.close();
    third.close();
    assertThat(b.available()).isEqualTo(10 * MIB);
  }

  @Test
  void aChargeThatFindsNoRoomInTimeIsRefusedAsBusyAndLeavesTheQueue() throws Exception {
    MemoryBudget b = new MemoryBudget(4 * MIB, Duration.ofMillis(200));
    try (Account holder = b.open(1);
        Account waiter = b.open(1);
        Account later = b.open(1)) {
      holder.chargeLater(3 * MIB).join();
      CompletableFuture<Charge> refused = waiter.chargeLater(2 * MIB);
      assertThat(codeOf(refused)).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThatThrownBy(refused::join).hasMessageContaining("busy with other large transfers");
      // gone from the queue: a charge that fits is granted at once
      assertThat(later.tryCharge(1 * MIB)).isNotNull();
    }
    assertThat(b.available()).isEqualTo(4 * MIB);
  }

  @Test
  void aChargeLargerThanTheWholeBudgetFailsAtOnce() {
    MemoryBudget b = new MemoryBudget(4 * MIB, Duration.ofSeconds(30));
    try (Account a = b.open(2)) {
      CompletableFuture<Charge> f = a.chargeLater(3 * MIB);
      assertThat(f).isCompletedExceptionally();
      assertThatThrownBy(f::join)
          .hasMessageContaining("RESOURCE_EXHAUSTED")
          .hasMessageContaining("6 MiB")
          .hasMessageContaining("whole budget");
    }
    assertThat(b.available()).isEqualTo(4 * MIB);
  }

  @Test
  void closingAnAccountReturnsEverythingAndAbandonsItsWaiters() throws Exception {
    MemoryBudget b = new MemoryBudget(4 * MIB, Duration.ofSeconds(30));
    Account a = b.open(1);
    a.chargeLater(1 * MIB).join();
    a.chargeLater(2 * MIB).join();
    CompletableFuture<Charge> waiting = a.chargeLater(2 * MIB);
    assertThat(b.available()).isEqualTo(1 * MIB);
    a.close();
    assertThat(codeOf(waiting)).isEqualTo(Status.Code.CANCELLED);
    assertThat(b.available()).isEqualTo(4 * MIB);
    a.close(); // idempotent
    assertThat(codeOf(a.chargeLater(1 * MIB))).isEqualTo(Status.Code.CANCELLED);
    assertThat(b.available()).isEqualTo(4 * MIB);
  }

  @Test
  void aBlockingChargeStopsWaitingWhenItsCallIsCancelled() throws Exception {
    MemoryBudget b = new MemoryBudget(2 * MIB, Duration.ofSeconds(30));
    try (Account holder = b.open(1);
        Account waiter = b.open(1)) {
      holder.chargeLater(2 * MIB).join();
      Context.CancellableContext ctx = Context.current().withCancellation();
      CompletableFuture<Status.Code> outcome =
          CompletableFuture.supplyAsync(
              () -> {
                try {
                  waiter.charge(1 * MIB, ctx);
                  return Status.Code.OK;
                } catch (StatusRuntimeException e) {
                  return e.getStatus().getCode();
                }
              });
      ctx.cancel(null);
      assertThat(outcome.get(10, TimeUnit.SECONDS)).isEqualTo(Status.Code.CANCELLED);
      holder.close();
      // the abandoned wait took nothing with it
      assertThat(b.available()).isEqualTo(2 * MIB);
    }
  }

  @Test
  void closingTheBudgetFailsWaitersAndRefusesNewCharges() throws Exception {
    MemoryBudget b = new MemoryBudget(2 * MIB, Duration.ofSeconds(30));
    Account holder = b.open(1);
    Account waiter = b.open(1);
    holder.chargeLater(2 * MIB).join();
    CompletableFuture<Charge> waiting = waiter.chargeLater(1 * MIB);
    b.close();
    assertThat(codeOf(waiting)).isEqualTo(Status.Code.UNAVAILABLE);
    assertThat(codeOf(waiter.chargeLater(1 * MIB))).isEqualTo(Status.Code.UNAVAILABLE);
    holder.close();
    assertThat(b.available()).isEqualTo(2 * MIB);
  }

  @Test
  void aTicketIsFindableOnlyWhileOpen() {
    MemoryBudget b = new MemoryBudget(2 * MIB, Duration.ofSeconds(1));
    Account t = b.openTicket(2);
    assertThat(t.ticket()).hasSize(32);
    assertThat(b.ticket(t.ticket())).isSameAs(t);
    assertThat(b.ticket("0".repeat(32))).isNull();
    assertThat(b.open(1).ticket()).isNull();
    t.close();
    assertThat(b.ticket(t.ticket())).isNull();
  }

  @Test
  void theDefaultIsHalfTheHeapWithAFloor() {
    assertThat(MemoryBudget.defaultCapacity(1024 * MIB)).isEqualTo(512 * MIB);
    assertThat(MemoryBudget.defaultCapacity(512 * MIB)).isEqualTo(256 * MIB);
    assertThat(MemoryBudget.defaultCapacity(200 * MIB)).isEqualTo(MemoryBudget.FLOOR);
    assertThatThrownBy(() -> new MemoryBudget(1000, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory budget");
  }
}
