package cloud.tenki.sandbox.internal.dataplane;

import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileStreamRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileStreamResponse;
import cloud.tenki.proto.sandbox.v1.WriteFileStreamRequest;
import cloud.tenki.proto.sandbox.v1.WriteFileStreamStart;
import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.internal.errors.ErrorMapper;
import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.OutputStream;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;

/**
 * A file written with {@code WriteFileStream}: bytes are gathered into chunks and sent only while
 * the transport is ready, so a slow link blocks the writer instead of growing a buffer. The write
 * is complete when {@link #close()} returns.
 */
public final class FileWriteStream extends OutputStream {
  static final int CHUNK = 256 * 1024;

  private final String path;
  private final byte[] buf = new byte[CHUNK];
  private int count;
  private final Object ready = new Object();
  private final CompletableFuture<Long> done = new CompletableFuture<>();
  private volatile ClientCallStreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamRequest>
      requests;
  private boolean closed;

  private FileWriteStream(String path) {
    this.path = path;
  }

  /**
   * Opens a streamed write of {@code path}: with {@code truncate} the file is created or emptied
   * first, without it the bytes are appended (the file is created if missing).
   */
  public static FileWriteStream open(DataPlane dataPlane, String path, int mode, boolean truncate) {
    // a fresh route up front: a rejected credential cannot be retried mid-stream
    Route route = dataPlane.route();
    FileWriteStream s = new FileWriteStream(path);
    route.async().writeFileStream(s.new Observer());
    WriteFileStreamStart.Builder start =
        WriteFileStreamStart.newBuilder()
            .setSessionId(dataPlane.sessionId())
            .setPath(path)
            .setTruncate(truncate);
    if (mode > 0) {
      start.setMode(mode);
    }
    s.requests.onNext(frame(WriteFileStreamRequest.newBuilder().setStart(start)));
    return s;
  }

  private static SandboxSessionDataPlaneServiceWriteFileStreamRequest frame(
      WriteFileStreamRequest.Builder b) {
    return SandboxSessionDataPlaneServiceWriteFileStreamRequest.newBuilder().setFrame(b).build();
  }

  @Override
  public void write(int b) throws IOException {
    if (count == buf.length) {
      flushChunk();
    }
    buf[count++] = (byte) b;
  }

  @Override
  public void write(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    while (len > 0) {
      if (count == buf.length) {
        flushChunk();
      }
      int n = Math.min(len, buf.length - count);
      System.arraycopy(b, off, buf, count, n);
      count += n;
      off += n;
      len -= n;
    }
  }

  private void flushChunk() throws IOException {
    if (closed) {
      throw new IOException("stream closed");
    }
    if (count == 0) {
      return;
    }
    awaitReady();
    requests.onNext(
        frame(WriteFileStreamRequest.newBuilder().setData(ByteString.copyFrom(buf, 0, count))));
    count = 0;
  }

  private void awaitReady() throws IOException {
    synchronized (ready) {
      while (!requests.isReady() && !done.isDone()) {
        try {
          ready.wait(1000);
        } catch (InterruptedException e) {
          requests.cancel("interrupted", e);
          Thread.currentThread().interrupt();
          throw new InterruptedIOException("interrupted while writing " + path);
        }
      }
    }
    if (done.isCompletedExceptionally()) {
      throw failure();
    }
  }

  private IOException failure() {
    try {
      done.getNow(null);
      return new IOException("write of " + path + " ended early");
    } catch (java.util.concurrent.CompletionException e) {
      TenkiException te = ErrorMapper.fromGrpc("WriteFileStream " + path, e.getCause());
      return new IOException(te.getMessage(), te);
    }
  }

  /** Sends the bytes gathered so far (the server writes them as they arrive). */
  @Override
  public void flush() throws IOException {
    if (!closed) {
      flushChunk();
    }
  }

  /** Finishes the write and waits for the server to confirm it. */
  @Override
  public void close() throws IOException {
    if (closed) {
      return;
    }
    flushChunk();
    closed = true;
    requests.onCompleted();
    try {
      done.get(10, TimeUnit.MINUTES);
    } catch (InterruptedException e) {
      requests.cancel("interrupted", e);
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while finishing " + path);
    } catch (ExecutionException e) {
      TenkiException te = ErrorMapper.fromGrpc("WriteFileStream " + path, e.getCause());
      throw new IOException(te.getMessage(), te);
    } catch (java.util.concurrent.TimeoutException e) {
      requests.cancel("timed out", e);
      throw new IOException("write of " + path + " was not confirmed in time");
    }
  }

  /** Bytes the server reports written, once {@link #close()} returned. */
  public long bytesWritten() {
    return done.getNow(-1L);
  }

  private final class Observer
      implements ClientResponseObserver<
          SandboxSessionDataPlaneServiceWriteFileStreamRequest,
          SandboxSessionDataPlaneServiceWriteFileStreamResponse> {
    @Override
    public void beforeStart(
        ClientCallStreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamRequest> stream) {
      requests = stream;
      stream.setOnReadyHandler(
          () -> {
            synchronized (ready) {
              ready.notifyAll();
            }
          });
    }

    @Override
    public void onNext(SandboxSessionDataPlaneServiceWriteFileStreamResponse value) {
      done.complete(value.getResponse().getBytesWritten());
    }

    @Override
    public void onError(Throwable t) {
      done.completeExceptionally(t);
      synchronized (ready) {
        ready.notifyAll();
      }
    }

    @Override
    public void onCompleted() {
      done.complete(-1L);
    }
  }
}
