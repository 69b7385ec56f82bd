package cloud.tenki.engine.net;

import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.io.Content;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * One gRPC call arriving over HTTP/2, bridged onto the engine's in-process server: request frames
 * become messages of a byte-array {@link ClientCall}, its messages become response frames, its
 * status becomes the trailers. Both directions are flow controlled: the request body is read only
 * while the in-process call is ready for more, and a reply message is requested only once the
 * previous one was written to the network. Client cancellation (stream reset, disconnect) cancels
 * the in-process call, which cancels the handler's context.
 *
 * <p>Thread-safety: the request side runs on one reader at a time (Jetty demand callbacks); the
 * response side is serialised by an {@link IteratingCallback}. Listener callbacks never block.
 */
final class GrpcExchange extends ClientCall.Listener<byte[]> {

  static final MethodDescriptor.Marshaller<byte[]> BYTES =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public java.io.InputStream stream(byte[] value) {
          return new java.io.ByteArrayInputStream(value);
        }

        @Override
        public byte[] parse(java.io.InputStream stream) {
          try {
            return stream.readAllBytes();
          } catch (java.io.IOException e) {
            throw Status.INTERNAL.withCause(e).asRuntimeException();
          }
        }
      };

  private final Request request;
  private final Response response;
  private final Callback done;
  private final GrpcFrames frames;
  private final ClientCall<byte[], byte[]> call;
  private final AtomicBoolean readPaused = new AtomicBoolean();
  private final AtomicBoolean finished = new AtomicBoolean();
  private final ArrayDeque<Object> outbound = new ArrayDeque<>();
  private final Pump pump = new Pump();
  private volatile boolean closed;

  private GrpcExchange(
      Channel channel,
      String method,
      CallOptions options,
      Request request,
      Response response,
      Callback done,
      GrpcFrames frames) {
    this.request = request;
    this.response = response;
    this.done = done;
    this.frames = frames;
    MethodDescriptor<byte[], byte[]> md =
        MethodDescriptor.newBuilder(BYTES, BYTES)
            .setType(MethodDescriptor.MethodType.UNKNOWN)
            .setFullMethodName(method)
            .build();
    this.call = channel.newCall(md, options);
  }

  /** Starts bridging; the exchange completes {@code done} when the response is fully written. */
  static void serve(
      Channel channel,
      String method,
      Request request,
      Response response,
      Callback done,
      int maxMessage) {
    HttpFields h = request.getHeaders();
    String encoding = h.get("grpc-encoding");
    boolean gzip = "gzip".equalsIgnoreCase(encoding);
    if (encoding != null && !gzip && !"identity".equalsIgnoreCase(encoding)) {
      trailersOnly(
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
        trailersOnly(
            response, done, Status.INTERNAL.withDescription("malformed grpc-timeout " + timeout));
        return;
      }
      opts = opts.withDeadlineAfter(nanos, TimeUnit.NANOSECONDS);
    }
    GrpcExchange x =
        new GrpcExchange(
            channel, method, opts, request, response, done, new GrpcFrames(maxMessage, gzip));
    x.start(HeaderMetadata.fromHttp(h));
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
      Content.Chunk chunk = request.read();
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
        call.cancel(e.getStatus().getDescription(), e);
        return;
      }
      boolean last = chunk.isLast();
      chunk.release();
      for (byte[] m : messages) {
        call.sendMessage(m);
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

  @Override
  public void onReady() {
    if (readPaused.compareAndSet(true, false)) {
      request.demand(this::readMore);
    }
  }

  private void cancel(String why, Throwable cause) {
    closed = true;
    call.cancel(why, cause);
  }

  // ---- response side ------------------------------------------------------------------------

  @Override
  public void onHeaders(Metadata headers) {
    enqueue(headers);
  }

  @Override
  public void onMessage(byte[] message) {
    enqueue(message);
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    closed = true;
    enqueue(new Close(status, trailers));
  }

  private void enqueue(Object item) {
    synchronized (outbound) {
      outbound.add(item);
    }
    pump.iterate();
  }

  private record Close(Status status, Metadata trailers) {}

  private boolean headersSent;
  // filled when the call closes; Jetty captures the supplier when it commits the headers
  private final HttpFields.Mutable trailers = HttpFields.build();

  private void sendHeaders(Metadata md) {
    response.setStatus(200);
    HttpFields.Mutable h = response.getHeaders();
    h.put(HttpHeader.CONTENT_TYPE, "application/grpc");
    HeaderMetadata.toHttp(md, h, "");
    response.setTrailersSupplier(() -> trailers);
    headersSent = true;
  }

  private final class Pump extends IteratingCallback {
    private boolean lastWritten;

    @Override
    protected Action process() {
      while (true) {
        if (lastWritten) {
          return Action.SUCCEEDED;
        }
        Object item;
        synchronized (outbound) {
          item = outbound.poll();
        }
        if (item == null) {
          return Action.IDLE;
        }
        if (item instanceof Metadata md) {
          sendHeaders(md);
        } else if (item instanceof byte[] message) {
          if (!headersSent) {
            sendHeaders(new Metadata());
          }
          response.write(false, GrpcFrames.frame(message), this);
          call.request(1);
          return Action.SCHEDULED;
        } else if (item instanceof Close c) {
          lastWritten = true;
          if (!headersSent) {
            writeTrailersOnly(c.status(), c.trailers());
          } else {
            statusFields(trailers, c.status());
            HeaderMetadata.toHttp(c.trailers(), trailers, "");
          }
          response.write(true, ByteBuffer.allocate(0), this);
          return Action.SCHEDULED;
        }
      }
    }

    private void writeTrailersOnly(Status status, Metadata trailers) {
      response.setStatus(200);
      HttpFields.Mutable h = response.getHeaders();
      h.put(HttpHeader.CONTENT_TYPE, "application/grpc");
      statusFields(h, status);
      HeaderMetadata.toHttp(trailers, h, "");
    }

    @Override
    protected void onCompleteSuccess() {
      if (finished.compareAndSet(false, true)) {
        done.succeeded();
      }
    }

    @Override
    protected void onCompleteFailure(Throwable cause) {
      cancel("response could not be written", cause);
      if (finished.compareAndSet(false, true)) {
        done.failed(cause);
      }
    }
  }

  private static void statusFields(HttpFields.Mutable f, Status status) {
    f.put("grpc-status", Integer.toString(status.getCode().value()));
    if (status.getDescription() != null) {
      f.put("grpc-message", HeaderMetadata.encodeMessage(status.getDescription()));
    }
  }

  /** Answers a call with only a status (no messages), as gRPC's Trailers-Only form. */
  static void trailersOnly(Response response, Callback done, Status status) {
    response.setStatus(200);
    HttpFields.Mutable h = response.getHeaders();
    h.put(HttpHeader.CONTENT_TYPE, "application/grpc");
    statusFields(h, status);
    response.write(true, ByteBuffer.allocate(0), done);
  }
}
