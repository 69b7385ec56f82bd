package cloud.tenki.engine.memory;

import cloud.tenki.engine.concurrent.Timeouts;
import io.grpc.Context;
import io.grpc.Metadata;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * The engine's budget for large message buffers: whole request bodies and messages being assembled,
 * and whole-file replies from the moment the file is read until the reply has been written. Every
 * large payload is charged to an {@link Account} before its buffer is allocated; when the budget is
 * full the charge waits (in arrival order, up to a bounded time) for other transfers to finish, and
 * then fails with RESOURCE_EXHAUSTED. Payloads under {@link #LARGE} bytes are never charged, so
 * commands and small files never wait.
 *
 * <pre>{@code
 * MemoryBudget budget = new MemoryBudget(256L << 20, Duration.ofSeconds(5));
 * try (Account call = budget.open(2)) {
 *   call.charge(fileSize, Context.current()); // waits for room, or throws RESOURCE_EXHAUSTED
 *   // ... hold the buffers; closing the account returns everything it was charged
 * }
 * }</pre>
 *
 * <p>Thread-safe: one lock guards the counters, the waiting queue and every account. One per
 * engine; closing it fails every waiting charge and refuses new ones.
 */
public final class MemoryBudget implements AutoCloseable {

  /** Payloads of this many bytes or more are charged; smaller ones pass freely. */
  public static final int LARGE = 1024 * 1024;

  /**
   * The smallest default: one largest gRPC message (64 MiB) charged twice, so every call the engine
   * accepts can run on its own even with a small heap.
   */
  public static final long FLOOR = 128L * 1024 * 1024;

  /** How long a charge waits for room by default. */
  public static final Duration DEFAULT_WAIT = Duration.ofSeconds(5);

  /**
   * Request header through which the network endpoint tells the in-process server which account a
   * call's reply is charged to. Never accepted from a client: the endpoint drops it from every
   * request before adding its own.
   */
  public static final String TICKET_HEADER = "x-tenki-engine-ticket";

  static final Metadata.Key<String> TICKET =
      Metadata.Key.of(TICKET_HEADER, Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<Account> ACCOUNT = Context.key("tenki-memory-account");

  private static final SecureRandom RANDOM = new SecureRandom();

  final Object lock = new Object();
  private final long capacity;
  private final long maxWaitNanos;
  private final Map<String, Account> tickets = new ConcurrentHashMap<>();
  private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
  private long used;
  private boolean closed;

  /**
   * A budget of {@code capacity} bytes whose charges wait at most {@code maxWait} for room.
   *
   * @throws IllegalArgumentException when capacity is under {@link #LARGE} or the wait negative
   */
  public MemoryBudget(long capacity, Duration maxWait) {
    if (capacity < LARGE) {
      throw new IllegalArgumentException("memory budget must be at least " + LARGE + " bytes");
    }
    if (maxWait == null || maxWait.isNegative()) {
      throw new IllegalArgumentException("memory budget wait must not be negative");
    }
    this.capacity = capacity;
    this.maxWaitNanos = maxWait.toNanos();
  }

  /**
   * The default budget for a JVM whose heap may grow to {@code maxHeap} bytes: half of it, and at
   * least {@link #FLOOR}.
   */
  public static long defaultCapacity(long maxHeap) {
    if (maxHeap <= 0 || maxHeap == Long.MAX_VALUE) {
      return 4 * FLOOR; // no known limit: a generous fixed budget
    }
    return Math.max(maxHeap / 2, FLOOR);
  }

  /** Total bytes. */
  public long capacity() {
    return capacity;
  }

  /** Bytes not charged to any account right now. */
  public long available() {
    synchronized (lock) {
      return capacity - used;
    }
  }

  /** How many charges wait for room right now. */
  public int waiting() {
    synchronized (lock) {
      return waiters.size();
    }
  }

  /**
   * A new account whose charges cost {@code copies} bytes per payload byte (how many copies of a
   * payload its path holds at once). The caller must close it.
   */
  public Account open(int copies) {
    return new Account(this, copies, null);
  }

  /**
   * Like {@link #open}, and findable by the in-process server through its {@link Account#ticket()}
   * (sent in {@link #TICKET_HEADER}) until it is closed.
   */
  public Account openTicket(int copies) {
    byte[] id = new byte[16];
    RANDOM.nextBytes(id);
    Account a = new Account(this, copies, HexFormat.of().formatHex(id));
    tickets.put(a.ticket(), a);
    return a;
  }

  /**
   * A server interceptor for services whose handlers charge replies: it makes the call's account
   * available through {@link #current()}, the network endpoint's ticket when the request carries a
   * live one, else an account of its own closed when the call completes or is cancelled.
   */
  public ServerInterceptor interceptor() {
    return new BudgetInterceptor(this);
  }

  /** The account of the current server call, or null outside one. */
  public static Account current() {
    return ACCOUNT.get();
  }

  Account ticket(String id) {
    return tickets.get(id);
  }

  /** Fails every waiting charge and refuses new ones. Charges held stay until released. */
  @Override
  public void close() {
    List<Waiter> failed;
    synchronized (lock) {
      closed = true;
      failed = new ArrayList<>(waiters);
      waiters.clear();
    }
    failed.forEach(w -> w.future.completeExceptionally(shuttingDown()));
  }

  // ---- charging (called by Account) ---------------------------------------------------------

  CompletableFuture<Charge> request(Account account, long bytes) {
    if (bytes > capacity) {
      return CompletableFuture.failedFuture(tooLarge(bytes));
    }
    Waiter w;
    synchronized (lock) {
      if (closed) {
        return CompletableFuture.failedFuture(shuttingDown());
      }
      if (account.closed) {
        return CompletableFuture.failedFuture(ended());
      }
      if (waiters.isEmpty() && used + bytes <= capacity) {
        return CompletableFuture.completedFuture(grantLocked(account, bytes));
      }
      w = new Waiter(account, bytes, new CompletableFuture<>());
      waiters.add(w);
    }
    ScheduledFuture<?> timeout =
        Timeouts.after(
            maxWaitNanos, TimeUnit.NANOSECONDS, () -> w.future.completeExceptionally(busy()));
    // a waiter that times out or is abandoned leaves the queue, which may let the next one in
    w.future.whenComplete(
        (c, t) -> {
          timeout.cancel(false);
          if (t != null) {
            forget(w);
          }
        });
    return w.future;
  }

  Charge tryRequest(Account account, long bytes) {
    synchronized (lock) {
      if (closed || account.closed || !waiters.isEmpty() || used + bytes > capacity) {
        return null;
      }
      return grantLocked(account, bytes);
    }
  }

  private Charge grantLocked(Account account, long bytes) {
    used += bytes;
    account.held += bytes;
    return new Charge(account, bytes);
  }

  /** Returns bytes (the caller has already taken them off its account) and lets waiters in. */
  void returned(long bytes) {
    synchronized (lock) {
      used -= bytes;
    }
    grantWaiting();
  }

  void unregister(Account account) {
    if (account.ticket() != null) {
      tickets.remove(account.ticket(), account);
    }
  }

  /** Drops the waiting charges of a closed account. */
  void abandon(Account account) {
    List<Waiter> gone = new ArrayList<>();
    synchronized (lock) {
      waiters.removeIf(
          w -> {
            if (w.account == account) {
              gone.add(w);
              return true;
            }
            return false;
          });
    }
    gone.forEach(w -> w.future.completeExceptionally(ended()));
    grantWaiting();
  }

  private void forget(Waiter w) {
    synchronized (lock) {
      waiters.remove(w);
    }
    grantWaiting();
  }

  /** Grants waiting charges in arrival order while they fit; completes them outside the lock. */
  private void grantWaiting() {
    List<Waiter> granted = null;
    List<Charge> charges = null;
    List<Waiter> ended = null;
    synchronized (lock) {
      while (!waiters.isEmpty()) {
        Waiter w = waiters.peek();
        if (w.future.isDone()) {
          waiters.poll();
          continue;
        }
        if (w.account.closed) {
          waiters.poll();
          if (ended == null) {
            ended = new ArrayList<>(1);
          }
          ended.add(w);
          continue;
        }
        if (used + w.bytes > capacity) {
          break;
        }
        waiters.poll();
        if (granted == null) {
          granted = new ArrayList<>(2);
          charges = new ArrayList<>(2);
        }
        granted.add(w);
        charges.add(grantLocked(w.account, w.bytes));
      }
    }
    if (ended != null) {
      ended.forEach(w -> w.future.completeExceptionally(ended()));
    }
    for (int i = 0; granted != null && i < granted.size(); i++) {
      if (!granted.get(i).future.complete(charges.get(i))) {
        charges.get(i).release(); // it timed out or was abandoned meanwhile
      }
    }
  }

  private record Waiter(Account account, long bytes, CompletableFuture<Charge> future) {}

  // ---- statuses -----------------------------------------------------------------------------

  /** The refusal of a charge that found no room in time. */
  public static StatusRuntimeException busy() {
    return Status.RESOURCE_EXHAUSTED
        .withDescription(
            "the engine is busy with other large transfers; retry shortly, or stream the data"
                + " (ReadFileStream, WriteFileStream)")
        .asRuntimeException();
  }

  private StatusRuntimeException tooLarge(long bytes) {
    return Status.RESOURCE_EXHAUSTED
        .withDescription(
            "this transfer needs "
                + mib(bytes)
                + " MiB of engine memory, more than the engine's whole budget for large"
                + " transfers ("
                + mib(capacity)
                + " MiB); stream the data (ReadFileStream, WriteFileStream) or give the engine a"
                + " larger memory budget")
        .asRuntimeException();
  }

  private static long mib(long bytes) {
    return (bytes + (1 << 20) - 1) >> 20;
  }

  static StatusRuntimeException ended() {
    return Status.CANCELLED.withDescription("the call ended").asRuntimeException();
  }

  private static StatusRuntimeException shuttingDown() {
    return Status.UNAVAILABLE.withDescription("the engine is shutting down").asRuntimeException();
  }
}
