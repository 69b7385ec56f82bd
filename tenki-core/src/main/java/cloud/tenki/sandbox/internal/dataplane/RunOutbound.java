package cloud.tenki.sandbox.internal.dataplane;

import cloud.tenki.proto.sandbox.v1.RunRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunRequest;
import cloud.tenki.sandbox.TenkiException;
import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * The client half of a {@code Run} stream: every frame goes out under one lock (gRPC observers are
 * not thread-safe), and stdin only within the server's window and while the transport is ready, in
 * chunks of at most 32 KiB.
 */
final class RunOutbound {
  static final int STDIN_CHUNK = 32 * 1024;

  private final ReentrantLock lock = new ReentrantLock();
  private final Condition sendable = lock.newCondition();
  private final WaiterExecutor waiter; // the stream's callbacks, when they run on waiting threads
  private volatile ClientCallStreamObserver<SandboxSessionDataPlaneServiceRunRequest> requests;
  // guarded by lock
  private long window;
  private boolean unlimited;
  private boolean stdinClosed;
  private boolean ended;

  /**
   * @param waiter the executor of the stream's callbacks when they run on waiting threads, else
   *     null: a stdin write waiting for a window grant (a callback) then runs them itself
   */
  RunOutbound(WaiterExecutor waiter) {
    this.waiter = waiter;
  }

  void attach(ClientCallStreamObserver<SandboxSessionDataPlaneServiceRunRequest> stream) {
    this.requests = stream;
    stream.setOnReadyHandler(this::wake);
  }

  ClientCallStreamObserver<SandboxSessionDataPlaneServiceRunRequest> requests() {
    return requests;
  }

  /** The server started the command with this stdin window (0: not flow-controlled). */
  void open(long initialWindow) {
    lock.lock();
    try {
      window = initialWindow;
      unlimited = initialWindow == 0;
      sendable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void grant(long bytes) {
    lock.lock();
    try {
      window += bytes;
      sendable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  void wake() {
    lock.lock();
    try {
      sendable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Sends a control frame (start, signal) unless the stream has ended. */
  void send(RunRequest frame) {
    lock.lock();
    try {
      if (!ended) {
        requests.onNext(wrap(frame));
      }
    } finally {
      lock.unlock();
    }
  }

  void writeStdin(byte[] bytes, int offset, int length, Supplier<TenkiException> whyEnded) {
    java.util.Objects.checkFromIndexSize(offset, length, bytes.length);
    lock.lock();
    try {
      while (length > 0) {
        if (stdinClosed) {
          throw new IllegalStateException("stdin is closed");
        }
        if (ended) {
          throw whyEnded.get();
        }
        if ((!unlimited && window <= 0) || !requests.isReady()) {
          awaitSendable();
          continue;
        }
        int n = Math.min(length, STDIN_CHUNK);
        if (!unlimited) {
          n = (int) Math.min(n, window);
          window -= n;
        }
        requests.onNext(
            wrap(RunRequest.newBuilder().setStdin(ByteString.copyFrom(bytes, offset, n)).build()));
        offset += n;
        length -= n;
      }
    } finally {
      lock.unlock();
    }
  }

  /** Waits (with the lock held on entry and exit) for a grant, readiness or the end. */
  private void awaitSendable() {
    try {
      if (waiter == null) {
        sendable.await(1, TimeUnit.SECONDS);
        return;
      }
      // grants and readiness arrive as callbacks, which run only where someone waits
      int holds = lock.getHoldCount();
      for (int i = 0; i < holds; i++) {
        lock.unlock();
      }
      try {
        waiter.runOne(TimeUnit.MILLISECONDS.toNanos(50));
      } finally {
        for (int i = 0; i < holds; i++) {
          lock.lock();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TenkiException("interrupted while writing stdin", "cancelled", null, e);
    }
  }

  void closeStdin() {
    lock.lock();
    try {
      if (!stdinClosed && !ended) {
        requests.onNext(wrap(RunRequest.newBuilder().setStdinClose(true).build()));
      }
      stdinClosed = true;
    } finally {
      lock.unlock();
    }
  }

  /** No more frames; with {@code halfClose}, tell the server so (after a normal exit). */
  void end(boolean halfClose) {
    lock.lock();
    try {
      if (!ended && halfClose) {
        try {
          requests.onCompleted();
        } catch (IllegalStateException alreadyClosed) {
          // the call ended first; nothing to half-close
        }
      }
      ended = true;
      sendable.signalAll();
    } finally {
      lock.unlock();
    }
  }

  private static SandboxSessionDataPlaneServiceRunRequest wrap(RunRequest frame) {
    return SandboxSessionDataPlaneServiceRunRequest.newBuilder().setFrame(frame).build();
  }
}
