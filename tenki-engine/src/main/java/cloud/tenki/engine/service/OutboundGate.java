package cloud.tenki.engine.service;

import io.grpc.stub.ServerCallStreamObserver;

/**
 * Serialises sends on a server stream and holds senders back while the client is slow, so that a
 * flood of output waits in the pipe (where it stops the producer) instead of in engine memory.
 */
final class OutboundGate<T> {

  private final ServerCallStreamObserver<T> out;
  private final Object lock = new Object();
  private volatile boolean closed;

  /** Must be constructed while the call is being started (gRPC's rule for on-ready handlers). */
  OutboundGate(ServerCallStreamObserver<T> out) {
    this.out = out;
    out.setOnReadyHandler(
        () -> {
          synchronized (lock) {
            lock.notifyAll();
          }
        });
  }

  /** Waits until the transport can take a message; false when the call is over. */
  boolean awaitReady() {
    synchronized (lock) {
      while (!closed && !out.isReady()) {
        try {
          lock.wait(200);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return false;
        }
      }
      return !closed;
    }
  }

  /** Sends one message after waiting for readiness; false when the call is over. */
  boolean send(T message) {
    if (!awaitReady()) {
      return false;
    }
    synchronized (lock) {
      if (closed) {
        return false;
      }
      out.onNext(message);
      return true;
    }
  }

  /** Sends without waiting (small control frames); false when the call is over. */
  boolean sendNow(T message) {
    synchronized (lock) {
      if (closed) {
        return false;
      }
      out.onNext(message);
      return true;
    }
  }

  /** Completes the call once. */
  void complete() {
    synchronized (lock) {
      if (!closed) {
        closed = true;
        out.onCompleted();
        lock.notifyAll();
      }
    }
  }

  /** Fails the call once. */
  void fail(Throwable t) {
    synchronized (lock) {
      if (!closed) {
        closed = true;
        out.onError(Calls.toStatus(t));
        lock.notifyAll();
      }
    }
  }

  /** Marks the call over without sending (the client cancelled). */
  void cancelled() {
    synchronized (lock) {
      closed = true;
      lock.notifyAll();
    }
  }

  boolean closed() {
    return closed;
  }
}
