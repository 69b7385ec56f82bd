package cloud.tenki.sandbox.internal.dataplane;

import cloud.tenki.proto.sandbox.v1.RunExit;
import cloud.tenki.proto.sandbox.v1.RunRequest;
import cloud.tenki.proto.sandbox.v1.RunResponse;
import cloud.tenki.proto.sandbox.v1.RunSignal;
import cloud.tenki.proto.sandbox.v1.RunStart;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunResponse;
import cloud.tenki.sandbox.ExecResult;
import cloud.tenki.sandbox.SandboxProcess;
import cloud.tenki.sandbox.Signal;
import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.TenkiTimeoutException;
import cloud.tenki.sandbox.UnavailableException;
import cloud.tenki.sandbox.internal.errors.ErrorMapper;
import cloud.tenki.sandbox.internal.mapper.WireMapper;
import com.google.protobuf.ByteString;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.Consumer;

/**
 * A process over the bidirectional {@code Run} stream. Inbound, a few messages are requested ahead,
 * and only while both output pipes have room (or callbacks consume synchronously), so a slow reader
 * stops the server instead of filling memory. Outbound flow control is {@link RunOutbound}'s.
 */
public final class RunProcess implements SandboxProcess {
  static final long PIPE_CAPACITY = 1024 * 1024;

  /**
   * Messages requested ahead while the pipes have room: enough to keep the transport busy, few
   * enough that a pipe overshoots its capacity by at most this many messages.
   */
  static final int READ_AHEAD = 8;

  private final Consumer<byte[]> onStdout;
  private final Consumer<byte[]> onStderr;
  private final ChunkPipe stdout = new ChunkPipe(PIPE_CAPACITY, this::resumeInbound);
  private final ChunkPipe stderr = new ChunkPipe(PIPE_CAPACITY, this::resumeInbound);
  private final CompletableFuture<Long> started = new CompletableFuture<>();
  private final CompletableFuture<ExecResult> result = new CompletableFuture<>();
  private final RunOutbound out;
  private final Object gate = new Object();
  private final OutputStream stdinStream = new StdinStream();
  private final WaiterExecutor waiter; // runs the callbacks in the waiting thread, or null
  private volatile boolean finished;
  private volatile long pid;
  // guarded by gate
  private boolean paused;
  private int outstanding = 1; // messages requested and not yet delivered

  private RunProcess(Consumer<byte[]> onStdout, Consumer<byte[]> onStderr, boolean onWaiter) {
    this.onStdout = onStdout;
    this.onStderr = onStderr;
    this.waiter = onWaiter ? new WaiterExecutor() : null;
    this.out = new RunOutbound(waiter);
  }

  /** How the stream's callbacks (and so the output callbacks) are run. */
  public enum Delivery {
    /** On a pool thread: callbacks may block. */
    POOL,
    /** On the transport thread: only for callbacks that never block. */
    TRANSPORT,
    /** On the thread waiting in {@code start} or {@code waitFor}. */
    WAITER
  }

  /**
   * Opens the stream, sends {@code start} and waits for the {@code started} frame (or an early
   * {@code exit}). Errors come back mapped; on failure the stream is cancelled. {@code delivery}
   * says where the output callbacks (if any) run.
   */
  public static RunProcess start(
      Route route,
      RunStart start,
      Consumer<byte[]> onStdout,
      Consumer<byte[]> onStderr,
      Delivery delivery,
      Duration startTimeout) {
    RunProcess p = new RunProcess(onStdout, onStderr, delivery == Delivery.WAITER);
    var stub =
        switch (delivery) {
          case POOL -> route.async();
          case TRANSPORT -> route.asyncDirect();
          case WAITER -> route.async(p.waiter);
        };
    stub.run(p.new Inbound());
    p.out.send(RunRequest.newBuilder().setStart(start).build());
    try {
      p.pid = p.await(p.started, nanos(startTimeout));
      return p;
    } catch (TimeoutException e) {
      p.cancel("no started frame");
      throw new TenkiTimeoutException(
          "Run: the command did not start within " + startTimeout.toSeconds() + " s",
          "deadline_exceeded",
          null,
          null);
    } catch (InterruptedException e) {
      p.cancel("interrupted");
      Thread.currentThread().interrupt();
      throw new TenkiException("interrupted while starting a command", "cancelled", null, e);
    } catch (ExecutionException e) {
      p.cancel("start failed");
      throw ErrorMapper.fromGrpc("Run", e.getCause());
    }
  }

  @Override
  public long pid() {
    return pid;
  }

  @Override
  public void writeStdin(byte[] bytes, int offset, int length) {
    out.writeStdin(bytes, offset, length, this::endedError);
  }

  /** Why stdin is no longer accepted: the stream's own failure, or a normal exit. */
  private TenkiException endedError() {
    if (result.isCompletedExceptionally()) {
      try {
        result.join();
      } catch (CompletionException e) {
        if (e.getCause() instanceof TenkiException te) {
          return te;
        }
      }
    }
    return new TenkiException(
        "the process has exited; stdin is no longer accepted", "failed_precondition", null, null);
  }

  @Override
  public OutputStream stdin() {
    return stdinStream;
  }

  @Override
  public void closeStdin() {
    out.closeStdin();
  }

  @Override
  public InputStream stdout() {
    return stdout.stream();
  }

  @Override
  public InputStream stderr() {
    return stderr.stream();
  }

  @Override
  public void signal(Signal signal) {
    java.util.Objects.requireNonNull(signal, "signal");
    out.send(
        RunRequest.newBuilder()
            .setSignal(RunSignal.newBuilder().setSignal(WireMapper.signal(signal)))
            .build());
  }

  @Override
  public boolean isAlive() {
    return !finished;
  }

  /** Waits for {@code f}, running the stream's callbacks meanwhile when they run on the waiter. */
  private <T> T await(CompletableFuture<T> f, long timeoutNanos)
      throws InterruptedException, ExecutionException, TimeoutException {
    if (waiter != null) {
      return waiter.await(f, timeoutNanos);
    }
    return f.get(timeoutNanos, TimeUnit.NANOSECONDS);
  }

  /** The duration in nanoseconds, 0 when negative and {@code Long.MAX_VALUE} when longer. */
  private static long nanos(Duration d) {
    if (d.isNegative()) {
      return 0;
    }
    return d.compareTo(Duration.ofNanos(Long.MAX_VALUE)) >= 0 ? Long.MAX_VALUE : d.toNanos();
  }

  @Override
  public ExecResult waitFor() {
    try {
      return waiter != null ? waiter.await(result) : result.get();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TenkiException("interrupted while waiting for the command", "cancelled", null, e);
    } catch (ExecutionException e) {
      throw ErrorMapper.fromGrpc("Run", e.getCause());
    }
  }

  @Override
  public Optional<ExecResult> waitFor(Duration timeout) {
    try {
      return Optional.of(await(result, nanos(timeout)));
    } catch (TimeoutException e) {
      return Optional.empty();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new TenkiException("interrupted while waiting for the command", "cancelled", null, e);
    } catch (ExecutionException e) {
      throw ErrorMapper.fromGrpc("Run", e.getCause());
    }
  }

  /** Ends a process that outlived the client-side guard: kill, cancel, report a timeout. */
  public ExecResult abandonAfterTimeout(Duration ran) {
    result.complete(new ExecResult(-1, "SIGKILL", true, ran, null, null, false, false));
    close();
    return waitFor();
  }

  @Override
  public void close() {
    if (!finished) {
      try {
        signal(Signal.KILL);
      } finally {
        cancel("closed by the client");
      }
    }
  }

  private void cancel(String why) {
    ClientCallStreamObserver<?> r = out.requests();
    if (r != null) {
      r.cancel(why, null);
    }
    fail(new TenkiException("Run cancelled: " + why, "cancelled", null, null));
  }

  private boolean roomForMore() {
    return (onStdout != null || stdout.hasRoom()) && (onStderr != null || stderr.hasRoom());
  }

  private void requestNext() {
    synchronized (gate) {
      outstanding--;
      topUp();
    }
  }

  private void resumeInbound() {
    synchronized (gate) {
      if (paused) {
        topUp();
      }
    }
  }

  /** Requests up to {@link #READ_AHEAD} messages while there is room; else pauses. */
  private void topUp() {
    if (!roomForMore()) {
      paused = true;
      return;
    }
    paused = false;
    int want = READ_AHEAD - outstanding;
    if (want > 0) {
      outstanding += want;
      out.requests().request(want);
    }
  }

  private void deliver(ByteString data, Consumer<byte[]> callback, ChunkPipe pipe) {
    if (callback == null) {
      pipe.offer(data.asReadOnlyByteBuffer()); // a view: the message's bytes are not copied
      return;
    }
    try {
      callback.accept(data.toByteArray());
    } catch (RuntimeException e) {
      out.requests().cancel("output callback failed", e);
      fail(new TenkiException("output callback failed: " + e, "cancelled", null, e));
    }
  }

  private void onExit(RunExit exit) {
    if (!started.isDone()) {
      String reason = exit.getReason();
      if (reason.startsWith("first_frame_timeout") || reason.startsWith("capability_unavailable")) {
        fail(
            new UnavailableException(
                "Run: the sandbox could not start the command (" + reason + ")",
                "unavailable",
                null,
                null));
        return;
      }
      started.complete(0L);
    }
    finished = true;
    stdout.finish();
    stderr.finish();
    result.complete(WireMapper.result(exit, null, null, false, false));
    out.end(true);
  }

  private void fail(TenkiException e) {
    finished = true;
    started.completeExceptionally(e);
    stdout.fail(e);
    stderr.fail(e);
    result.completeExceptionally(e);
    out.end(false);
  }

  private final class Inbound
      implements ClientResponseObserver<
          SandboxSessionDataPlaneServiceRunRequest, SandboxSessionDataPlaneServiceRunResponse> {

    @Override
    public void beforeStart(
        ClientCallStreamObserver<SandboxSessionDataPlaneServiceRunRequest> stream) {
      stream.disableAutoRequestWithInitial(1);
      out.attach(stream);
    }

    @Override
    public void onNext(SandboxSessionDataPlaneServiceRunResponse value) {
      RunResponse f = value.getFrame();
      switch (f.getPayloadCase()) {
        case STARTED -> {
          out.open(f.getStarted().getStdinWindowBytes());
          started.complete(f.getStarted().getPid());
        }
        case STDOUT -> deliver(f.getStdout(), onStdout, stdout);
        case STDERR -> deliver(f.getStderr(), onStderr, stderr);
        case FLOW -> out.grant(f.getFlow().getStdinGrantBytes());
        case EXIT -> onExit(f.getExit());
        default -> {
          // unknown frame kinds from newer servers are skipped
        }
      }
      requestNext();
    }

    @Override
    public void onError(Throwable t) {
      if (!result.isDone()) {
        fail(ErrorMapper.fromGrpc("Run", t));
      }
    }

    @Override
    public void onCompleted() {
      if (!result.isDone()) {
        fail(
            new TenkiException(
                "Run: the stream ended without an exit status", "unknown", null, null));
      }
    }
  }

  private final class StdinStream extends OutputStream {
    @Override
    public void write(int b) {
      writeStdin(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      writeStdin(b, off, len);
    }

    @Override
    public void close() {
      closeStdin();
    }
  }
}
