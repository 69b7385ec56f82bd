package cloud.tenki.engine.service;

import cloud.tenki.engine.sandbox.FileOps;
import cloud.tenki.engine.sandbox.IoThreads;
import cloud.tenki.engine.session.Session;
import cloud.tenki.engine.session.SessionManager;
import cloud.tenki.proto.sandbox.v1.CommandExecution;
import cloud.tenki.proto.sandbox.v1.CommandStatus;
import cloud.tenki.proto.sandbox.v1.ExecuteCommandRequest;
import cloud.tenki.proto.sandbox.v1.ExecuteCommandResponse;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import java.io.InputStream;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.TimeUnit;

/** The deprecated one-shot ExecuteCommand: runs to completion, reports status and exit code. */
final class LegacyExec {

  private static final long DEFAULT_TIMEOUT_MS = 300_000;

  private final SessionManager sessions;

  LegacyExec(SessionManager sessions) {
    this.sessions = sessions;
  }

  ExecuteCommandResponse execute(ExecuteCommandRequest req) throws Exception {
    Session s = sessions.get(req.getSessionId());
    s.requireRunning();
    if (req.getCommand().isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("command is required").asRuntimeException();
    }
    List<String> argv = new ArrayList<>();
    argv.add(req.getCommand());
    argv.addAll(req.getArgsList());
    cloud.tenki.engine.sandbox.Sandbox.requireValidEnv(req.getEnvMap(), "env");
    Map<String, String> env = new HashMap<>(s.env());
    env.putAll(req.getEnvMap());
    cloud.tenki.engine.sandbox.Sandbox.requireLaunchable(argv, env, "command and args");
    long timeoutMs =
        req.hasTimeout()
            ? req.getTimeout().getSeconds() * 1000 + req.getTimeout().getNanos() / 1_000_000
            : DEFAULT_TIMEOUT_MS;
    Instant started = Instant.now();
    sessions.touch(s);
    s.enterCall();
    try {
      Process p = s.sandbox().exec(argv, FileOps.HOME, env, null, true);
      p.getOutputStream().close();
      drain(p, p.getInputStream());
      drain(p, p.getErrorStream());
      boolean done = p.waitFor(Math.max(1, timeoutMs), TimeUnit.MILLISECONDS);
      CommandStatus status;
      int exit;
      if (!done) {
        RunningProcess.killTree(p, s.sandbox().isolation().equals("none"));
        p.waitFor(5, TimeUnit.SECONDS);
        status = CommandStatus.COMMAND_STATUS_TIMED_OUT;
        exit = p.isAlive() ? -1 : p.exitValue();
      } else {
        exit = p.exitValue();
        status =
            exit == 0
                ? CommandStatus.COMMAND_STATUS_SUCCEEDED
                : CommandStatus.COMMAND_STATUS_FAILED;
      }
      Instant ended = Instant.now();
      return ExecuteCommandResponse.newBuilder()
          .setExecution(
              CommandExecution.newBuilder()
                  .setId(UUID.randomUUID().toString())
                  .setSessionId(s.id())
                  .setCommand(req.getCommand())
                  .addAllArgs(req.getArgsList())
                  .setStatus(status)
                  .setExitCode(exit)
                  .setDurationMs(ended.toEpochMilli() - started.toEpochMilli())
                  .setStartedAt(ts(started))
                  .setEndedAt(ts(ended)))
          .build();
    } finally {
      s.exitCall();
      sessions.touch(s);
    }
  }

  private static void drain(Process p, InputStream in) {
    IoThreads.POOL.execute(
        () -> {
          byte[] buf = new byte[8192];
          try (in) {
            while (p.isAlive() && in.read(buf) > 0) {
              // the command's own output: nobody reads it
            }
            // then what it left running writes
            cloud.tenki.engine.sandbox.LingeringOutput.drop(in, buf);
          } catch (java.io.IOException e) {
            // process gone
          }
        });
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
