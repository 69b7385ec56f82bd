package cloud.tenki.sandbox.internal.dataplane;

import cloud.tenki.proto.sandbox.v1.RunStart;
import cloud.tenki.sandbox.ExecOptions;
import cloud.tenki.sandbox.ExecResult;
import cloud.tenki.sandbox.SandboxProcess;
import cloud.tenki.sandbox.TenkiException;
import java.io.ByteArrayOutputStream;
import java.time.Duration;
import java.time.Instant;
import java.util.Optional;
import java.util.function.Consumer;

/** Runs commands of one session: collected ({@code exec}) or live ({@code start}). */
public final class Processes {
  /** How long past its own timeout a command may run before the client gives up on it. */
  static final Duration TIMEOUT_GRACE = Duration.ofSeconds(10);

  private final DataPlane dataPlane;
  private final Duration startTimeout;

  public Processes(DataPlane dataPlane, Duration startTimeout) {
    this.dataPlane = dataPlane;
    this.startTimeout = startTimeout;
  }

  public SandboxProcess start(ExecOptions o) {
    RunProcess p = open(o, o.onStdout().orElse(null), o.onStderr().orElse(null), true, delivery(o));
    o.stdin()
        .ifPresent(
            bytes -> {
              writeQuietly(p, bytes);
              p.closeStdin();
            });
    return p;
  }

  public ExecResult exec(ExecOptions o) {
    Collector out = new Collector(o.maxOutputBytes());
    Collector err = new Collector(o.maxOutputBytes());
    Consumer<byte[]> outSink = o.onStdout().orElse(out::add);
    Consumer<byte[]> errSink = o.onStderr().orElse(err::add);
    Instant began = Instant.now();
    try (RunProcess p = open(o, outSink, errSink, o.stdin().isPresent(), delivery(o))) {
      o.stdin()
          .ifPresent(
              bytes -> {
                writeQuietly(p, bytes);
                p.closeStdin();
              });
      ExecResult exit;
      if (o.timeout().isPresent()) {
        Optional<ExecResult> r = p.waitFor(o.timeout().get().plus(TIMEOUT_GRACE));
        exit =
            r.isPresent() ? r.get() : p.abandonAfterTimeout(Duration.between(began, Instant.now()));
      } else {
        exit = p.waitFor();
      }
      return new ExecResult(
          exit.exitCode(),
          exit.signalName(),
          exit.timedOut(),
          exit.duration(),
          out.bytes(),
          err.bytes(),
          out.truncated,
          err.truncated);
    }
  }

  /** Stdin for a command that exits without reading all of it is not an error. */
  private static void writeQuietly(RunProcess p, byte[] bytes) {
    try {
      p.writeStdin(bytes);
    } catch (TenkiException e) {
      if (p.isAlive() || "cancelled".equals(e.code())) {
        throw e;
      }
    }
  }

  /**
   * User callbacks may block, so they run on a pool thread, or on the waiting thread when asked;
   * only the SDK's own collectors and pipes run on the transport thread.
   */
  private static RunProcess.Delivery delivery(ExecOptions o) {
    if (o.onStdout().isEmpty() && o.onStderr().isEmpty()) {
      return RunProcess.Delivery.TRANSPORT;
    }
    return o.deliverWhileWaiting() ? RunProcess.Delivery.WAITER : RunProcess.Delivery.POOL;
  }

  private RunProcess open(
      ExecOptions o,
      Consumer<byte[]> out,
      Consumer<byte[]> err,
      boolean streamStdin,
      RunProcess.Delivery delivery) {
    RunStart.Builder start =
        RunStart.newBuilder()
            .setSessionId(dataPlane.sessionId())
            .addAllCmd(o.command())
            .putAllEnv(o.env())
            .setPty(o.pty())
            .setStreamStdin(streamStdin);
    o.cwd().ifPresent(c -> start.setCwd(SandboxPaths.resolve(c)));
    o.timeout().ifPresent(t -> start.setTimeoutMs((int) Math.min(t.toMillis(), 0xFFFFFFFFL)));
    RunStart frame = start.build();
    return dataPlane.call(
        "Run", true, route -> RunProcess.start(route, frame, out, err, delivery, startTimeout));
  }

  /** Keeps output up to a cap; runs on the stream's delivery thread, read after exit. */
  private static final class Collector {
    private final long max;
    private final ByteArrayOutputStream buf = new ByteArrayOutputStream();
    private boolean truncated;

    Collector(long max) {
      this.max = max;
    }

    synchronized void add(byte[] chunk) {
      long room = max - buf.size();
      if (room >= chunk.length) {
        buf.write(chunk, 0, chunk.length);
      } else {
        if (room > 0) {
          buf.write(chunk, 0, (int) room);
        }
        truncated = true;
      }
    }

    synchronized byte[] bytes() {
      return buf.toByteArray();
    }
  }
}
