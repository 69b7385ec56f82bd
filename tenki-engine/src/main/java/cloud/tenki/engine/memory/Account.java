package cloud.tenki.engine.memory;

import io.grpc.Context;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;

/**
 * What one call holds of the {@link MemoryBudget}: every charge it was granted, returned together
 * when the account is closed (or one by one, earlier, through {@link Charge#release()}). Whoever
 * opens an account closes it on every path the call can end by; closing is idempotent and also
 * abandons the account's waiting charges.
 *
 * <p>An account counts {@code copies} bytes per payload byte: the number of copies of a payload its
 * path holds at once (two for a gRPC message: the bytes on the wire side and the parsed message).
 *
 * <p>Thread-safe.
 */
public final class Account implements AutoCloseable {

  private final MemoryBudget budget;
  private final int copies;
  private final String ticket;
  // guarded by budget.lock
  long held;
  boolean closed;

  Account(MemoryBudget budget, int copies, String ticket) {
    if (copies < 1) {
      throw new IllegalArgumentException("copies must be at least 1");
    }
    this.budget = budget;
    this.copies = copies;
    this.ticket = ticket;
  }

  /** The id the in-process server finds this account by, or null when it is not a ticket. */
  public String ticket() {
    return ticket;
  }

  /** Bytes charged for a payload of {@code payloadBytes} on this account. */
  public long cost(long payloadBytes) {
    return payloadBytes * copies;
  }

  /**
   * Charges a payload, waiting for room. The future fails with a {@link StatusRuntimeException}:
   * RESOURCE_EXHAUSTED when the wait runs out or the payload is larger than the whole budget,
   * CANCELLED when the account was closed. A caller that stops waiting completes the future
   * exceptionally itself; a charge granted anyway stays on the account until it is closed.
   */
  public CompletableFuture<Charge> chargeLater(long payloadBytes) {
    return budget.request(this, cost(payloadBytes));
  }

  /** Charges a payload if there is room right now (and nobody waits); null otherwise. */
  public Charge tryCharge(long payloadBytes) {
    return budget.tryRequest(this, cost(payloadBytes));
  }

  /**
   * Charges a payload, blocking until granted. Stops waiting when {@code ctx} is cancelled.
   *
   * @throws StatusRuntimeException RESOURCE_EXHAUSTED (no room in time, or too large) or CANCELLED
   */
  public Charge charge(long payloadBytes, Context ctx) {
    CompletableFuture<Charge> f = chargeLater(payloadBytes);
    Context.CancellationListener onCancel =
        c ->
            f.completeExceptionally(
                Status.CANCELLED.withDescription("call cancelled").asRuntimeException());
    ctx.addListener(onCancel, Runnable::run);
    try {
      return f.get();
    } catch (ExecutionException e) {
      throw e.getCause() instanceof StatusRuntimeException s
          ? s
          : Status.INTERNAL.withCause(e.getCause()).asRuntimeException();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      f.completeExceptionally(MemoryBudget.ended());
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    } finally {
      ctx.removeListener(onCancel);
    }
  }

  /** Returns everything this account holds and abandons its waiting charges; idempotent. */
  @Override
  public void close() {
    long give;
    synchronized (budget.lock) {
      if (closed) {
        return;
      }
      closed = true;
      give = held;
      held = 0;
    }
    budget.unregister(this);
    budget.abandon(this);
    if (give > 0) {
      budget.returned(give);
    }
  }

  /** Returns one charge early (the account stays open). */
  void release(Charge c) {
    synchronized (budget.lock) {
      if (closed || c.released) {
        return;
      }
      c.released = true;
      held -= c.bytes();
    }
    budget.returned(c.bytes());
  }
}
