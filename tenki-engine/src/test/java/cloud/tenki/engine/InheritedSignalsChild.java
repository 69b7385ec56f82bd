package cloud.tenki.engine;

import cloud.tenki.engine.sandbox.Sandbox;
import cloud.tenki.proto.sandbox.v1.RunSignal;
import cloud.tenki.proto.sandbox.v1.RunStart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * An engine in its own JVM, started by {@link InheritedSignalsTest} with some signals ignored or
 * none. Prints one line per finding: {@code ENGINE <ignored> <blocked>} (the standard signals this
 * JVM ignores, and those its threads block, as hex), {@code COLD <ignored> <blocked>} and {@code
 * PREPARED <ignored> <blocked> <launched>} (those of a sandboxed command started on demand and
 * through a prepared launch), then {@code <SIG> <how the command ended>} for SIGINT and SIGHUP sent
 * over the wire and for SIGQUIT sent by another command with {@code kill}.
 */
public final class InheritedSignalsChild {

  private static final long STANDARD_SIGNALS = 0x7FFF_FFFFL;

  private InheritedSignalsChild() {}

  /** Argument: the isolation to use. */
  public static void main(String[] args) throws Exception {
    System.out.println(
        "ENGINE "
            + mask(Files.readString(Path.of("/proc/self/status")), "SigIgn:")
            + " "
            + mask(Files.readString(Path.of("/proc/thread-self/status")), "SigBlk:"));
    try (LocalEngine engine = LocalEngine.builder().isolation(Isolation.valueOf(args[0])).start();
        EngineClient client = new EngineClient(engine.endpoint(), "tk_test")) {
      EngineClient.Sandbox sb = client.create();
      // a reserved variable name takes the on-demand path
      RunStart.Builder onDemand =
          RunStart.newBuilder()
              .addCmd("cat")
              .addCmd("/proc/self/status")
              .putEnv("_tenki_on_demand", "1");
      System.out.println("COLD " + masks(sb.run(onDemand, null).out()));
      Sandbox s = engine.sessions().get(sb.id).sandbox();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!s.preparedLaunchReady() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      long before = s.preparedLaunches();
      String status = sb.run("cat", "/proc/self/status").out();
      System.out.println("PREPARED " + masks(status) + " " + (s.preparedLaunches() == before + 1));
      for (RunSignal.Sig sig : List.of(RunSignal.Sig.SIG_INT, RunSignal.Sig.SIG_HUP)) {
        System.out.println(sig + " " + endedBy(sb, sig));
      }
      System.out.println("SIG_QUIT " + endedByKill(sb, "QUIT"));
    }
    System.out.flush();
  }

  /** The standard signals a status text says are ignored and blocked, as two hex masks. */
  private static String masks(String status) {
    return mask(status, "SigIgn:") + " " + mask(status, "SigBlk:");
  }

  private static String mask(String status, String field) {
    for (String line : status.split("\n")) {
      if (line.startsWith(field)) {
        long mask = Long.parseUnsignedLong(line.substring(field.length()).trim(), 16);
        return Long.toHexString(mask & STANDARD_SIGNALS);
      }
    }
    return "unknown";
  }

  /** Starts a waiting shell, sends it {@code sig} and says how it ended (or that it did not). */
  private static String endedBy(EngineClient.Sandbox sb, RunSignal.Sig sig) throws Exception {
    var run = sb.start("sh", "-c", "echo up; sleep 30 & wait");
    run.awaitOutput(20);
    run.signal(sig);
    return ending(run);
  }

  /**
   * Starts a command that prints its pid and then sleeps as that same process, has another command
   * send it {@code sig} with {@code kill}, and says how the first one ended.
   */
  private static String endedByKill(EngineClient.Sandbox sb, String sig) throws Exception {
    var run = sb.start("sh", "-c", "echo $$; exec sleep 30");
    run.awaitOutput(20);
    String pid = run.obs().out.toString(StandardCharsets.UTF_8).trim();
    var kill = sb.run("kill", "-" + sig, pid);
    if (kill.code() != 0) {
      return "kill failed: " + kill.err();
    }
    return ending(run);
  }

  private static String ending(EngineClient.LiveRun run) throws Exception {
    try {
      String signal = run.result(20).exit().getSignal();
      return signal.isEmpty() ? "exited" : signal;
    } catch (TimeoutException e) {
      run.signal(RunSignal.Sig.SIG_KILL);
      run.result(20);
      return "still-running";
    }
  }
}
