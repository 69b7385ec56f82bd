package cloud.tenki.engine.net;

import cloud.tenki.engine.memory.Account;
import cloud.tenki.engine.memory.Charge;
import cloud.tenki.engine.memory.MemoryBudget;
import io.grpc.Status;
import java.nio.ByteBuffer;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;

/**
 * Reads a Connect request body whole, within the call's memory {@link Account}. The first {@link
 * MemoryBudget#LARGE} bytes are read freely. A body whose declared length is larger is refused at
 * once above the message limit, and otherwise read only after the account was charged for all of
 * it, into one buffer of that size. A body of unknown length is charged in doubling steps as it
 * grows. While a charge waits nothing is read, so the client is held back by flow control.
 *
 * <p>The result fails with a {@link io.grpc.StatusRuntimeException} when the budget refused
 * (RESOURCE_EXHAUSTED) and with {@link TooLarge} or the read's own failure otherwise. One reader at
 * a time (Jetty demand callbacks, or the continuation after a wait).
 */
final class ConnectBody {

  /** The body is longer than the message limit. */
  static final class TooLarge extends Exception {
    private static final long serialVersionUID = 1L;

    TooLarge() {
      super(null, null, false, false);
    }
  }

  private final Request request;
  private final int max;
  private final Account account;
  private final CompletableFuture<byte[]> result = new CompletableFuture<>();
  private byte[] buf;
  private int len;
  // what the buffer may hold without charging more, and what the account was charged for it
  private long allowed = MemoryBudget.LARGE - 1;
  private long charged;
  private Content.Chunk held;
  private volatile CompletableFuture<Charge> waiting;

  private ConnectBody(Request request, int max, Account account) {
    this.request = request;
    this.max = max;
    this.account = account;
  }

  /** Starts reading; the future completes with the whole body. */
  static ConnectBody read(Request request, int max, Account account) {
    ConnectBody b = new ConnectBody(request, max, account);
    long declared = request.getLength();
    if (declared > max) {
      b.result.completeExceptionally(new TooLarge());
    } else if (declared > b.allowed) {
      b.room(declared);
    } else {
      b.buf = new byte[declared >= 0 ? (int) declared : 8192];
      b.loop();
    }
    return b;
  }

  CompletableFuture<byte[]> result() {
    return result;
  }

  /** Stops a wait for room (the client went away). */
  void abort() {
    CompletableFuture<Charge> w = waiting;
    if (w != null) {
      w.completeExceptionally(Status.CANCELLED.asRuntimeException());
    }
  }

  private void loop() {
    while (true) {
      Content.Chunk chunk = held;
      held = null;
      if (chunk == null) {
        chunk = request.read();
      }
      if (chunk == null) {
        request.demand(this::loop);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        result.completeExceptionally(chunk.getFailure());
        return;
      }
      ByteBuffer data = chunk.getByteBuffer();
      int n = data.remaining();
      if (len + (long) n > max) {
        chunk.release();
        result.completeExceptionally(new TooLarge());
        return;
      }
      if (len + (long) n > allowed) {
        held = chunk;
        room(Math.min(max, Math.max(2 * allowed, len + (long) n)));
        return;
      }
      if (len + n > buf.length) {
        buf = Arrays.copyOf(buf, (int) Math.min(allowed, Math.max(2L * buf.length, len + n)));
      }
      data.get(buf, len, n);
      len += n;
      boolean last = chunk.isLast();
      chunk.release();
      if (last) {
        result.complete(len == buf.length ? buf : Arrays.copyOf(buf, len));
        return;
      }
    }
  }

  /** Charges the account up to {@code total} bytes of body, then reads on. */
  private void room(long total) {
    // a large body is charged whole, the bytes read freely before included
    CompletableFuture<Charge> f = account.chargeLater(total - charged);
    waiting = f;
    Executor executor = request.getComponents().getExecutor();
    f.whenComplete(
        (c, t) -> {
          waiting = null;
          if (t != null) {
            if (held != null) {
              held.release();
              held = null;
            }
            result.completeExceptionally(t);
            return;
          }
          allowed = total;
          charged = total;
          buf = buf == null ? new byte[(int) total] : Arrays.copyOf(buf, (int) total);
          executor.execute(this::loop);
        });
  }
}
