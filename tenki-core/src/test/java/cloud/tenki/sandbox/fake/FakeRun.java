package cloud.tenki.sandbox.fake;

import cloud.tenki.proto.sandbox.v1.RunExit;
import cloud.tenki.proto.sandbox.v1.RunFlowControl;
import cloud.tenki.proto.sandbox.v1.RunRequest;
import cloud.tenki.proto.sandbox.v1.RunResponse;
import cloud.tenki.proto.sandbox.v1.RunSignal;
import cloud.tenki.proto.sandbox.v1.RunStart;
import cloud.tenki.proto.sandbox.v1.RunStarted;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunResponse;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * One {@code Run} stream of the fake: a real local process, its output sent only while the client
 * is ready to receive (so a slow client stalls the process through its pipe), its stdin accepted
 * only within the advertised window and granted back as it is written.
 */
final class FakeRun implements StreamObserver<SandboxSessionDataPlaneServiceRunRequest> {
  private static final byte[] CLOSE = new byte[0];
  private static final int OUTPUT_CHUNK = 64 * 1024;

  private final FakeTenki fake;
  private final FakeSession session;
  private final ServerCallStreamObserver<SandboxSessionDataPlaneServiceRunResponse> out;
  private final Object sendLock = new Object();
  private final LinkedBlockingQueue<byte[]> stdin = new LinkedBlockingQueue<>();
  private volatile Process process;
  private volatile boolean timedOut;
  private volatile String signalSent;
  private volatile boolean finished;
  private long window;
  private long outstanding; // guarded by this
  private long startNanos;

  FakeRun(
      FakeTenki fake,
      FakeSession session,
      ServerCallStreamObserver<SandboxSessionDataPlaneServiceRunResponse> out) {
    this.fake = fake;
    this.session = session;
    this.out = out;
    out.setOnReadyHandler(
        () -> {
          synchronized (sendLock) {
            sendLock.notifyAll();
          }
        });
    out.setOnCancelHandler(this::kill);
    session.runs.add(this);
  }

  @Override
  public void onNext(SandboxSessionDataPlaneServiceRunRequest value) {
    RunRequest f = value.getFrame();
    switch (f.getPayloadCase()) {
      case START -> start(f.getStart());
      case STDIN -> receiveStdin(f.getStdin().toByteArray());
      case SIGNAL -> signal(f.getSignal().getSignal());
      case STDIN_CLOSE -> stdin.add(CLOSE);
      default -> {}
    }
  }

  @Override
  public void onError(Throwable t) {
    kill();
  }

  @Override
  public void onCompleted() {
    // the client half-closed; the process runs on until it exits
  }

  private void fail(Status status) {
    kill();
    synchronized (sendLock) {
      if (!finished) {
        finished = true;
        out.onError(status.asRuntimeException());
      }
    }
  }

  private void start(RunStart s) {
    if (process != null) {
      fail(Status.INVALID_ARGUMENT.withDescription("second start frame"));
      return;
    }
    if (!s.getSessionId().equals(session.id)) {
      fail(Status.PERMISSION_DENIED.withDescription("credential is for another session"));
      return;
    }
    if (s.getCmdCount() == 0) {
      fail(Status.INVALID_ARGUMENT.withDescription("cmd must not be empty"));
      return;
    }
    if (fake.runCapabilityUnavailable.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      exitBeforeStart(-1, "capability_unavailable: runner offline");
      return;
    }
    startNanos = System.nanoTime();
    // a sandbox starts commands with every signal at its default, also when this JVM was
    // started with some ignored (which its children would inherit): the engine's own reset
    List<String> argv = new ArrayList<>(cloud.tenki.engine.sandbox.InheritedSignals.resetPrefix());
    argv.addAll(s.getCmdList());
    ProcessBuilder pb = new ProcessBuilder(argv);
    try {
      Path cwd = session.hostPath(s.getCwd().isEmpty() ? FakeSession.HOME : s.getCwd());
      pb.directory(cwd.toFile());
    } catch (io.grpc.StatusRuntimeException e) {
      fail(e.getStatus());
      return;
    }
    Map<String, String> env = pb.environment();
    env.keySet().retainAll(java.util.Set.of("PATH", "LANG", "TMPDIR"));
    env.put("HOME", session.home.toString());
    env.putAll(session.env);
    env.putAll(s.getEnvMap());
    if (!s.getStreamStdin()) {
      pb.redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")));
    }
    try {
      process = pb.start();
    } catch (IOException e) {
      exitBeforeStart(127, "spawn_failed: " + e.getMessage());
      return;
    }
    window = s.getStreamStdin() ? fake.stdinWindowBytes : 0;
    send(
        RunResponse.newBuilder()
            .setStarted(
                RunStarted.newBuilder().setPid(process.pid()).setStdinWindowBytes((int) window))
            .build());
    if (s.getTimeoutMs() > 0 && !fake.ignoreRunTimeouts) {
      long ms = Integer.toUnsignedLong(s.getTimeoutMs());
      process
          .onExit()
          .orTimeout(ms, TimeUnit.MILLISECONDS)
          .exceptionally(
              t -> {
                if (process.isAlive()) {
                  timedOut = true;
                  kill();
                }
                return null;
              });
    }
    Thread o = daemon(() -> pump(process.getInputStream(), true));
    Thread e = daemon(() -> pump(process.getErrorStream(), false));
    if (s.getStreamStdin()) {
      daemon(this::writeStdin);
    }
    daemon(() -> finish(o, e));
  }

  private void exitBeforeStart(int code, String reason) {
    send(
        RunResponse.newBuilder()
            .setExit(RunExit.newBuilder().setExitCode(code).setReason(reason).setErrno(2))
            .build());
    synchronized (sendLock) {
      finished = true;
      out.onCompleted();
    }
  }

  private static Thread daemon(Runnable r) {
    Thread t = new Thread(r, "fake-run");
    t.setDaemon(true);
    t.start();
    return t;
  }

  private synchronized void receiveStdin(byte[] bytes) {
    if (process == null) {
      fail(Status.FAILED_PRECONDITION.withDescription("stdin before start"));
      return;
    }
    outstanding += bytes.length;
    if (window == 0 || outstanding > window) {
      fail(
          Status.RESOURCE_EXHAUSTED.withDescription(
              "stdin window exceeded: " + outstanding + " > " + window));
      return;
    }
    stdin.add(bytes);
  }

  private void writeStdin() {
    OutputStream in = process.getOutputStream();
    boolean broken = false;
    try {
      while (true) {
        byte[] chunk = stdin.take();
        if (chunk == CLOSE) {
          in.close();
          return;
        }
        if (!broken) {
          try {
            in.write(chunk);
            in.flush();
          } catch (IOException e) {
            broken = true; // the process closed its stdin; keep granting so the client never hangs
          }
        }
        synchronized (this) {
          outstanding -= chunk.length;
        }
        send(
            RunResponse.newBuilder()
                .setFlow(RunFlowControl.newBuilder().setStdinGrantBytes(chunk.length))
                .build());
      }
    } catch (InterruptedException | IOException e) {
      // the run is over
    }
  }

  private void pump(InputStream in, boolean stdout) {
    byte[] buf = new byte[OUTPUT_CHUNK];
    try (in) {
      int n;
      while ((n = in.read(buf)) >= 0) {
        ByteString data = ByteString.copyFrom(buf, 0, n);
        RunResponse.Builder f = RunResponse.newBuilder();
        if (stdout) {
          f.setStdout(data);
        } else {
          f.setStderr(data);
        }
        if (!send(f.build())) {
          return;
        }
        fake.outputBytesSent.addAndGet(n);
      }
    } catch (IOException e) {
      // the process was killed
    }
  }

  private void finish(Thread stdoutPump, Thread stderrPump) {
    try {
      int code = process.waitFor();
      stdoutPump.join();
      stderrPump.join();
      String sig = "";
      if ((signalSent != null || timedOut) && code > 128) {
        sig = signalName(code - 128);
        code = -1;
      }
      long ms = (System.nanoTime() - startNanos) / 1_000_000;
      send(
          RunResponse.newBuilder()
              .setExit(
                  RunExit.newBuilder()
                      .setExitCode(code)
                      .setSignal(sig)
                      .setTimedOut(timedOut)
                      .setDurationMs(ms)
                      .setReason(timedOut ? "timeout" : "exited"))
              .build());
      synchronized (sendLock) {
        if (!out.isCancelled() && !finished) {
          finished = true;
          out.onCompleted();
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    } finally {
      stdin.add(CLOSE);
      session.runs.remove(this);
    }
  }

  static String signalName(int n) {
    return switch (n) {
      case 1 -> "SIGHUP";
      case 2 -> "SIGINT";
      case 9 -> "SIGKILL";
      case 10 -> "SIGUSR1";
      case 12 -> "SIGUSR2";
      case 15 -> "SIGTERM";
      default -> "SIG" + n;
    };
  }

  /** Sends a frame once the client can take it; false if the call is gone. */
  private boolean send(RunResponse frame) {
    synchronized (sendLock) {
      try {
        while (!out.isReady() && !out.isCancelled() && !finished) {
          sendLock.wait(100);
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return false;
      }
      if (out.isCancelled() || finished) {
        return false;
      }
      out.onNext(SandboxSessionDataPlaneServiceRunResponse.newBuilder().setFrame(frame).build());
      return true;
    }
  }

  private void signal(RunSignal.Sig sig) {
    Process p = process;
    if (p == null || !p.isAlive()) {
      return;
    }
    String name =
        switch (sig) {
          case SIG_TERM -> "TERM";
          case SIG_KILL -> "KILL";
          case SIG_INT -> "INT";
          case SIG_HUP -> "HUP";
          case SIG_USR1 -> "USR1";
          case SIG_USR2 -> "USR2";
          default -> null;
        };
    if (name == null) {
      return;
    }
    signalSent = name;
    try {
      new ProcessBuilder("kill", "-s", name, String.valueOf(p.pid())).start().waitFor();
    } catch (IOException | InterruptedException e) {
      p.destroyForcibly();
    }
  }

  void kill() {
    Process p = process;
    if (p != null && p.isAlive()) {
      if (signalSent == null) {
        signalSent = "KILL";
      }
      // parent first: a shell whose child dies first would run its next command
      java.util.List<ProcessHandle> children = p.descendants().toList();
      p.destroyForcibly();
      children.forEach(ProcessHandle::destroyForcibly);
    }
  }

  static boolean exists(Path p) {
    return Files.exists(p);
  }
}
