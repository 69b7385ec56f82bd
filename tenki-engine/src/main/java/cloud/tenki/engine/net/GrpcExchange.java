package cloud.tenki.engine.net;

import cloud.tenki.engine.memory.Account;
import cloud.tenki.engine.memory.Charge;
import cloud.tenki.engine.memory.MemoryBudget;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One gRPC call arriving over HTTP/2, bridged onto the engine's in-process server: request frames
 * become messages of a byte-array {@link ClientCall}, its messages become response frames, its
 * status becomes the trailers. Both directions are flow controlled: the request body is read only
 * while the in-process call is ready for more, and a reply message is requested only once the
 * previous one was written to the network. Client cancellation (stream reset, disconnect) cancels
 * the in-process call, which cancels the handler's context.
 *
 * <p>Memory: the call has an {@link Account} of the engine's {@link MemoryBudget}, closed when the
 * exchange completes however it ends. A large request message is read only once the account was
 * charged for it (until then the body is not read: back-pressure), and stays charged until the
 * handler asks for the next message (streaming requests) or the call ends. A unary call's account
 * is also a ticket, so its handler charges a large reply to it; that charge lasts until the reply
 * was written.
 *
 * <p>Thread-safety: the request side runs on one reader at a time (Jetty demand callbacks, or the
 * continuation after a wait for room); the response side is serialised by its {@link
 * GrpcReplyWriter}. Listener callbacks never block.
 */
final class GrpcExchange extends ClientCall.Listener<byte[]> {

  static final MethodDescriptor.Marshaller<byte[]> BYTES = RawBytes.MARSHALLER;

  /** Copies of a large message the bridge holds at once: its bytes here and the parsed message. */
  static final int COPIES = 2;

  private final Request request;
  private final GrpcFrames frames;
  private final ClientCall<byte[], byte[]> call;
  private final Account account;
  private final boolean requestStreams;
  private final AtomicBoolean readPaused = new AtomicBoolean();
  private final GrpcReplyWriter replies;
  // charges of large messages sent to a streaming call and not yet asked past by its handler
  private final List<Charge> inflight = new ArrayList<>(1);
  private volatile boolean closed;
  // the status the client sees when the exchange itself ended the call (instead of CANCELLED)
  private volatile Status failure;
  // request side, one reader at a time: a chunk whose rest waits for room, and the charge for
  // the large message that comes next
  private Content.Chunk held;
  private Charge admitted;
  private volatile CompletableFuture<Charge> admission;

  private GrpcExchange(
      Channel channel,
      String method,
      CallOptions options,
      Request request,
      Response response,
      Callback done,
      int maxMessage,
      boolean gzip,
      Account account,
      boolean requestStreams) {
    this.request = request;
    this.account = account;
    this.requestStreams = requestStreams;
    // a compressed message is charged as it inflates, without waiting
    this.frames = new GrpcFrames(maxMessage, gzip, more -> account.tryCharge(more) != null);
    MethodDescriptor<byte[], byte[]> md =
        MethodDescriptor.newBuilder(BYTES, BYTES)
            .setType(MethodDescriptor.MethodType.UNKNOWN)
            .setFullMethodName(method)
            .build();
    ClientCall<byte[], byte[]> c = channel.newCall(md, options);
    this.call = c;
    this.replies =
        new GrpcReplyWriter(
            response, done, () -> c.request(1), t -> cancel("response could not be written", t));
  }

  /** Starts bridging; the exchange completes {@code done} when the response is fully written. */
  static void serve(
      Channel channel,
      MethodTable.Entry entry,
      String method,
      Request request,
      Response response,
      Callback done,
      int maxMessage,
      MemoryBudget budget) {
    HttpFields h = request.getHeaders();
    String encoding = h.get("grpc-encoding");
    boolean gzip = "gzip".equalsIgnoreCase(encoding);
    if (encoding != null && !gzip && !"identity".equalsIgnoreCase(encoding)) {
      GrpcReplyWriter.trailersOnly(
          response,
          done,
          Status.UNIMPLEMENTED.withDescription("grpc-encoding " + encoding + " is not supported"));
      return;
    }
    CallOptions opts = CallOptions.DEFAULT;
    String timeout = h.get("grpc-timeout");
    if (timeout != null) {
      long nanos = GrpcFrames.timeoutNanos(timeout);
      if (nanos < 0) {
        GrpcReplyWriter.trailersOnly(
            response, done, Status.INTERNAL.withDescription("malformed grpc-timeout " + timeout));
        return;
      }
      opts = opts.withDeadlineAfter(nanos, TimeUnit.NANOSECONDS);
    }
    MethodDescriptor.MethodType type = entry == null ? null : entry.type();
    boolean streams =
        type == MethodDescriptor.MethodType.CLIENT_STREAMING
            || type == MethodDescriptor.MethodType.BIDI_STREAMING;
    // only a unary handler charges its reply, so only a unary call needs a findable ticket
    Account account =
        entry != null && entry.unary() ? budget.openTicket(COPIES) : budget.open(COPIES);
    Metadata md = HeaderMetadata.fromHttp(h);
    if (account.ticket() != null) {
      md.put(HeaderMetadata.TICKET, account.ticket());
    }
    Callback closing =
        new Callback.Nested(done) {
          @Override
          public void completed() {
            account.close();
          }
        };
    GrpcExchange x =
        new GrpcExchange(
            channel, method, opts, request, response, closing, maxMessage, gzip, account, streams);
    x.start(md);
  }

  private void start(Metadata headers) {
    request.addFailureListener(t -> cancel("client went away", t));
    call.start(this, headers);
    call.request(1);
    readMore();
  }

  // ---- request side -------------------------------------------------------------------------

  private void readMore() {
    while (!closed) {
      Content.Chunk chunk = held;
      held = null;
      if (chunk == null) {
        chunk = request.read();
      }
      if (chunk == null) {
        request.demand(this::readMore);
        return;
      }
      if (Content.Chunk.isFailure(chunk)) {
        cancel("request body failed", chunk.getFailure());
        return;
      }
      List<byte[]> messages;
      try {
        messages = frames.feed(chunk.getByteBuffer());
      } catch (StatusRuntimeException e) {
        chunk.release();
        fail(e.getStatus());
        return;
      }
      for (byte[] m : messages) {
        send(m);
      }
      int wanted = frames.awaitingRoom();
      if (wanted >= 0) {
        held = chunk;
        CompletableFuture<Charge> f = account.chargeLater(wanted);
        if (f.isDone() && !f.isCompletedExceptionally()) {
          admit(f.join());
          continue;
        }
        awaitRoom(f);
        return;
      }
      boolean last = chunk.isLast();
      chunk.release();
      if (requestStreams && call.isReady()) {
        releaseInflight();
      }
      if (last) {
        if (!frames.atBoundary()) {
          call.cancel("request body ended inside a message", null);
          return;
        }
        call.halfClose();
        return;
      }
      if (!call.isReady()) {
        readPaused.set(true);
        // onReady may have fired between isReady and the flag: take the pause back if so
        if (!call.isReady() || !readPaused.compareAndSet(true, false)) {
          return;
        }
      }
    }
  }

  private void send(byte[] message) {
    Charge c = admitted;
    admitted = null;
    if (c != null && requestStreams) {
      synchronized (inflight) {
        inflight.add(c);
      }
    }
    call.sendMessage(message);
  }

  private void admit(Charge c) {
    admitted = c;
    frames.admit();
  }

  /** Reads nothing more until the account was charged for the awaited message (or that failed). */
  private void awaitRoom(CompletableFuture<Charge> f) {
    admission = f;
    if (closed) {
      f.completeExceptionally(Status.CANCELLED.asRuntimeException());
    }
    Executor executor = request.getComponents().getExecutor();
    f.whenComplete((c, t) -> executor.execute(() -> roomDecided(c, t)));
  }

  private void roomDecided(Charge c, Throwable t) {
    admission = null;
    if (t != null || closed) {
      // a charge granted anyway stays on the account, which closes with the exchange
      held.release();
      held = null;
      if (!closed) {
        fail(Status.fromThrowable(t));
      }
      return;
    }
    admit(c);
    readMore();
  }

  /** The handler asked for more: the messages it had are consumed. */
  private void releaseInflight() {
    synchronized (inflight) {
      inflight.forEach(Charge::release);
      inflight.clear();
    }
  }

  @Override
  public void onReady() {
    if (requestStreams && call.isReady()) {
      releaseInflight();
    }
    if (readPaused.compareAndSet(true, false)) {
      request.demand(this::readMore);
    }
  }

  private void cancel(String why, Throwable cause) {
    closed = true;
    CompletableFuture<Charge> waiting = admission;
    if (waiting != null) {
      waiting.completeExceptionally(Status.CANCELLED.asRuntimeException());
    }
    call.cancel(why, cause);
  }

  /** Ends the call with {@code status} for the client (the in-process call is cancelled). */
  private void fail(Status status) {
    failure = status;
    cancel(status.getDescription(), null);
  }

  // ---- response side ------------------------------------------------------------------------

  @Override
  public void onHeaders(Metadata headers) {
    replies.headers(headers);
  }

  @Override
  public void onMessage(byte[] message) {
    replies.message(message);
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    closed = true;
    CompletableFuture<Charge> waiting = admission;
    if (waiting != null) {
      waiting.completeExceptionally(Status.CANCELLED.asRuntimeException());
    }
    Status reported =
        failure != null && status.getCode() == Status.Code.CANCELLED ? failure : status;
    replies.close(reported, trailers);
  }
}
