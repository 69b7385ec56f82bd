package cloud.tenki.engine.service;

import cloud.tenki.engine.sandbox.FileOps;
import cloud.tenki.engine.sandbox.IoThreads;
import cloud.tenki.engine.sandbox.MissingDirectoryException;
import cloud.tenki.engine.sandbox.Sandbox;
import cloud.tenki.engine.session.Session;
import cloud.tenki.engine.session.SessionManager;
import cloud.tenki.proto.sandbox.v1.RunExit;
import cloud.tenki.proto.sandbox.v1.RunFlowControl;
import cloud.tenki.proto.sandbox.v1.RunRequest;
import cloud.tenki.proto.sandbox.v1.RunResponse;
import cloud.tenki.proto.sandbox.v1.RunSignal;
import cloud.tenki.proto.sandbox.v1.RunStart;
import cloud.tenki.proto.sandbox.v1.RunStarted;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunResponse;
import cloud.tenki.proto.sandbox.v1.StatResponse;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;

/**
 * One {@code Run} stream: starts the command on the first frame, then relays stdin (with grants as
 * the command consumes it), signals and stdin close; streams stdout and stderr back under gRPC flow
 * control and ends with exactly one {@code exit} frame.
 *
 * <p>Inbound frames are requested one at a time, so a client that ignores stdin grants is held back
 * by HTTP/2 flow control rather than buffered here. Thread-safe.
 */
final class RunCall implements StreamObserver<SandboxSessionDataPlaneServiceRunRequest> {

  /** Advertised stdin window: how much stdin the client may send ahead of grants. */
  static final int STDIN_WINDOW = 256 * 1024;

  private static final int CHUNK = 32 * 1024;
  private static final long EXIT_DRAIN_MS = 200;

  private final ServerCallStreamObserver<SandboxSessionDataPlaneServiceRunResponse> call;
  private final OutboundGate<SandboxSessionDataPlaneServiceRunResponse> gate;
  private final SessionManager sessions;
  private final ScheduledExecutorService timers;
  private final String credential;
  private volatile Session session;
  private volatile RunningProcess running;
  private volatile OutputStream stdin;
  private volatile boolean timedOut;
  private volatile boolean cancelled;
  private volatile String killReason = "";
  private ScheduledFuture<?> timeout;
  private long startedNanos;

  RunCall(
      ServerCallStreamObserver<SandboxSessionDataPlaneServiceRunResponse> call,
      SessionManager sessions,
      ScheduledExecutorService timers,
      String credential) {
    this.call = call;
    this.sessions = sessions;
    this.timers = timers;
    this.credential = credential;
    this.gate = new OutboundGate<>(call);
    call.disableAutoRequest();
    call.setOnCancelHandler(this::onCancel);
    call.request(1);
  }

  @Override
  public void onNext(SandboxSessionDataPlaneServiceRunRequest envelope) {
    RunRequest frame = envelope.getFrame();
    try {
      if (running == null) {
        if (frame.getPayloadCase() != RunRequest.PayloadCase.START) {
          throw Status.INVALID_ARGUMENT
              .withDescription("the first Run frame must be start")
              .asRuntimeException();
        }
        start(frame.getStart());
        return;
      }
      switch (frame.getPayloadCase()) {
        case STDIN -> writeStdin(frame.getStdin());
        case SIGNAL -> {
          signal(frame.getSignal().getSignal());
          call.request(1);
        }
        case STDIN_CLOSE -> {
          closeStdin();
          call.request(1);
        }
        default -> call.request(1);
      }
    } catch (RuntimeException | IOException e) {
      kill("error");
      gate.fail(e);
    }
  }

  private void start(RunStart start) throws IOException {
    sessions.credentials().check(credential, start.getSessionId());
    Session s = sessions.get(start.getSessionId());
    s.requireRunning();
    if (start.getCmdCount() == 0 || start.getCmd(0).isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("cmd must not be empty").asRuntimeException();
    }
    if (start.getPty() || start.getPrivileged()) {
      sendExitOnly(
          "capability_unavailable: "
              + (start.getPty() ? "pty" : "privileged")
              + " is not supported by the local engine");
      return;
    }
    String cwd = FileOps.resolve(start.getCwd());
    Sandbox.requireValidEnv(start.getEnvMap(), "env");
    Map<String, String> env = new HashMap<>(s.env());
    env.putAll(start.getEnvMap());
    Sandbox.requireLaunchable(start.getCmdList(), env, "cmd");
    sessions.touch(s);
    startedNanos = System.nanoTime();
    // home always exists; another directory is confirmed before the command starts, so a missing
    // one fails the call instead of becoming the command's exit status
    Sandbox.DirectoryCheck check =
        cwd.equals(FileOps.HOME)
            ? null
            : dir -> {
              StatResponse st = s.files().stat(dir);
              if (!st.getExists() || !st.getIsDir() && !st.getIsSymlink()) {
                throw missingCwd(dir);
              }
            };
    Process p;
    try {
      p = s.sandbox().exec(start.getCmdList(), cwd, env, check, true);
    } catch (MissingDirectoryException e) {
      throw missingCwd(cwd);
    }
    session = s;
    s.enterCall();
    RunningProcess rp = new RunningProcess(p, s.sandbox().isolation().equals("none"));
    stdin = p.getOutputStream();
    running = rp;
    gate.sendNow(
        frame(
            RunResponse.newBuilder()
                .setStarted(
                    RunStarted.newBuilder()
                        .setPid(rp.sandboxPid())
                        .setStdinWindowBytes(STDIN_WINDOW))
                .build()));
    if (!start.getStreamStdin()) {
      closeStdin();
    }
    if (start.getTimeoutMs() > 0) {
      timeout =
          timers.schedule(
              () -> {
                timedOut = true;
                kill("timeout");
              },
              start.getTimeoutMs(),
              TimeUnit.MILLISECONDS);
    }
    CountDownLatch pumps = new CountDownLatch(2);
    IoThreads.POOL.execute(() -> pump(p.getInputStream(), true, pumps));
    IoThreads.POOL.execute(() -> pump(p.getErrorStream(), false, pumps));
    IoThreads.POOL.execute(() -> awaitExit(p, pumps));
    call.request(1);
  }

  private static io.grpc.StatusRuntimeException missingCwd(String cwd) {
    return Status.FAILED_PRECONDITION
        .withDescription("cwd is not a directory in the sandbox: " + cwd)
        .asRuntimeException();
  }

  private void writeStdin(ByteString data) {
    OutputStream in = stdin;
    IoThreads.POOL.execute(
        () -> {
          try {
            if (in != null) {
              data.writeTo(in);
              in.flush();
            }
            gate.sendNow(
                frame(
                    RunResponse.newBuilder()
                        .setFlow(RunFlowControl.newBuilder().setStdinGrantBytes(data.size()))
                        .build()));
          } catch (IOException e) {
            // the command closed its stdin or exited; later input is discarded like a closed pipe
          }
          call.request(1);
        });
  }

  private void closeStdin() {
    OutputStream in = stdin;
    if (in != null) {
      IoThreads.POOL.execute(
          () -> {
            try {
              in.close();
            } catch (IOException e) {
              // already closed
            }
          });
    }
  }

  private void signal(RunSignal.Sig sig) {
    String name =
        switch (sig) {
          case SIG_KILL -> "KILL";
          case SIG_INT -> "INT";
          case SIG_HUP -> "HUP";
          case SIG_USR1 -> "USR1";
          case SIG_USR2 -> "USR2";
          default -> "TERM";
        };
    RunningProcess rp = running;
    if (rp != null) {
      IoThreads.POOL.execute(() -> rp.signalGroup(name));
    }
  }

  private void kill(String reason) {
    RunningProcess rp = running;
    if (rp != null && rp.process().isAlive()) {
      killReason = reason;
      rp.signalGroup("KILL");
    }
  }

  private void pump(InputStream in, boolean stdout, CountDownLatch done) {
    byte[] buf = new byte[CHUNK];
    try (in) {
      int n;
      while ((n = in.read(buf)) > 0) {
        ByteString bytes = ByteString.copyFrom(buf, 0, n);
        RunResponse.Builder r = RunResponse.newBuilder();
        if (stdout) {
          r.setStdout(bytes);
        } else {
          r.setStderr(bytes);
        }
        if (!gate.send(frame(r.build()))) {
          // the call is over; what the command left running may still write here
          cloud.tenki.engine.sandbox.LingeringOutput.drop(in, buf);
          break;
        }
      }
    } catch (IOException e) {
      // pipe closed underneath us (call over)
    } finally {
      done.countDown();
    }
  }

  private void awaitExit(Process p, CountDownLatch pumps) {
    int code;
    try {
      code = p.waitFor();
      // output written just before exit is still in the pipes; background processes that keep
      // the pipes open must not hold the exit frame back forever
      pumps.await(EXIT_DRAIN_MS, TimeUnit.MILLISECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return;
    }
    if (timeout != null) {
      timeout.cancel(false);
    }
    finishSession();
    long durationMs = (System.nanoTime() - startedNanos) / 1_000_000;
    RunExit.Builder exit =
        RunExit.newBuilder().setExitCode(code).setDurationMs(durationMs).setTimedOut(timedOut);
    String signal = Signals.nameOf(code);
    if (signal != null) {
      exit.setSignal(signal);
    }
    exit.setReason(
        timedOut
            ? "timeout"
            : !killReason.isEmpty() ? killReason : signal != null ? "signaled" : "exited");
    gate.send(frame(RunResponse.newBuilder().setExit(exit).build()));
    gate.complete();
  }

  private void sendExitOnly(String reason) {
    gate.sendNow(
        frame(
            RunResponse.newBuilder()
                .setExit(RunExit.newBuilder().setExitCode(-1).setReason(reason))
                .build()));
    gate.complete();
  }

  private void finishSession() {
    Session s = session;
    if (s != null) {
      s.exitCall();
      sessions.touch(s);
    }
  }

  private void onCancel() {
    cancelled = true;
    gate.cancelled();
    kill("cancelled");
  }

  @Override
  public void onError(Throwable t) {
    // the client went away: its command must not outlive the call
    gate.cancelled();
    kill("cancelled");
  }

  @Override
  public void onCompleted() {
    // half-close from the client is fine: the command keeps running until it exits
  }

  private static SandboxSessionDataPlaneServiceRunResponse frame(RunResponse r) {
    return SandboxSessionDataPlaneServiceRunResponse.newBuilder().setFrame(r).build();
  }
}
