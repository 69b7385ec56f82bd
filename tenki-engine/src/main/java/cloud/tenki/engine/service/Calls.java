package cloud.tenki.engine.service;

import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.Callable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns handler outcomes into gRPC replies: statuses pass through, anything else is INTERNAL. */
final class Calls {

  private static final Logger LOG = LoggerFactory.getLogger(Calls.class);

  private Calls() {}

  static <T> void unary(StreamObserver<T> out, Callable<T> body) {
    T result;
    try {
      result = body.call();
    } catch (Throwable t) {
      out.onError(toStatus(t));
      return;
    }
    out.onNext(result);
    out.onCompleted();
  }

  static StatusRuntimeException toStatus(Throwable t) {
    if (t instanceof StatusRuntimeException sre) {
      return sre;
    }
    if (t instanceof io.grpc.StatusException se) {
      return se.getStatus().asRuntimeException(se.getTrailers());
    }
    if (t.getCause() instanceof StatusRuntimeException sre) {
      return sre;
    }
    if (t instanceof cloud.tenki.engine.sandbox.ProcessLimitException) {
      return Status.RESOURCE_EXHAUSTED.withDescription(t.getMessage()).asRuntimeException();
    }
    if (t instanceof java.io.IOException) {
      // the sandbox went away underneath the call (paused, terminated, restarted)
      return Status.UNAVAILABLE
          .withDescription("sandbox unavailable: " + t.getMessage())
          .asRuntimeException();
    }
    LOG.warn("unexpected failure in a call", t);
    return Status.INTERNAL
        .withDescription("internal engine error: " + t.getClass().getSimpleName())
        .asRuntimeException();
  }
}
