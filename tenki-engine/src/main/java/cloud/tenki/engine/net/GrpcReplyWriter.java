package cloud.tenki.engine.net;

import cloud.tenki.engine.memory.MemoryBudget;
import io.grpc.Metadata;
import io.grpc.Status;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.function.Consumer;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;
import org.eclipse.jetty.util.IteratingCallback;

/**
 * The response side of one bridged gRPC call: headers, messages and the closing status, written in
 * order with one write in flight at a time. The next message is asked for only once the previous
 * one was written, so a slow client holds the handler back instead of filling the heap. A large
 * message is written without a copy: its 5-byte frame header first, then the message's own array.
 *
 * <p>Thread-safe: items may be added from any thread; writing is serialised by the {@link
 * IteratingCallback}.
 */
final class GrpcReplyWriter extends IteratingCallback {

  private record Close(Status status, Metadata trailers) {}

  private final Response response;
  private final Callback done;
  private final Runnable askForNext;
  private final Consumer<Throwable> writeFailed;
  private final ArrayDeque<Object> queue = new ArrayDeque<>();
  // filled when the call closes; Jetty captures the supplier when it commits the headers
  private final HttpFields.Mutable trailers = HttpFields.build();
  private boolean headersSent;
  private boolean lastWritten;
  // a large message whose frame header was written: the message itself goes next
  private byte[] body;

  /**
   * @param done completed once, when the last write finished or a write failed
   * @param askForNext asks the call for its next message
   * @param writeFailed told when the client can no longer be written to
   */
  GrpcReplyWriter(
      Response response, Callback done, Runnable askForNext, Consumer<Throwable> writeFailed) {
    this.response = response;
    this.done = done;
    this.askForNext = askForNext;
    this.writeFailed = writeFailed;
  }

  void headers(Metadata headers) {
    add(headers);
  }

  void message(byte[] message) {
    add(message);
  }

  void close(Status status, Metadata trailers) {
    add(new Close(status, trailers));
  }

  private void add(Object item) {
    synchronized (queue) {
      queue.add(item);
    }
    iterate();
  }

  @Override
  protected Action process() {
    while (true) {
      if (lastWritten) {
        return Action.SUCCEEDED;
      }
      if (body != null) {
        ByteBuffer b = ByteBuffer.wrap(body);
        body = null;
        response.write(false, b, this);
        askForNext.run();
        return Action.SCHEDULED;
      }
      Object item;
      synchronized (queue) {
        item = queue.poll();
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
        if (message.length >= MemoryBudget.LARGE) {
          body = message;
          response.write(false, GrpcFrames.header(message.length), this);
          return Action.SCHEDULED;
        }
        response.write(false, GrpcFrames.frame(message), this);
        askForNext.run();
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

  private void sendHeaders(Metadata md) {
    response.setStatus(200);
    HttpFields.Mutable h = response.getHeaders();
    h.put(HttpHeader.CONTENT_TYPE, "application/grpc");
    HeaderMetadata.toHttp(md, h, "");
    response.setTrailersSupplier(() -> trailers);
    headersSent = true;
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
    done.succeeded();
  }

  @Override
  protected void onCompleteFailure(Throwable cause) {
    writeFailed.accept(cause);
    done.failed(cause);
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
