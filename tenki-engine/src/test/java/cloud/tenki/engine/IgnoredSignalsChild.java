package cloud.tenki.engine;

import cloud.tenki.engine.sandbox.Sandbox;
import cloud.tenki.proto.sandbox.v1.RunSignal;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.locks.LockSupport;

/**
 * An engine in its own JVM, started by {@link IgnoredSignalsTest} with signals ignored. Prints one
 * line per finding: {@code ENGINE <mask>} (the standard signals this JVM ignores, as hex), {@code
 * COLD <mask>} and {@code PREPARED <mask> <launched>} (those a sandboxed command ignores, started
 * on demand and through a prepared launch), then {@code <SIG> <how the command ended>} for SIGINT
 * and SIGHUP sent over the wire.
 */
public final class IgnoredSignalsChild {

  private static final long STANDARD_SIGNALS = 0x7FFF_FFFFL;

  private IgnoredSignalsChild() {}

  /** Argument: the isolation to use. */
  public static void main(String[] args) throws Exception {
    System.out.println("ENGINE " + ignored(Files.readString(Path.of("/proc/self/status"))));
    try (LocalEngine engine = LocalEngine.builder().isolation(Isolation.valueOf(args[0])).start();
        EngineClient client = new EngineClient(engine.endpoint(), "tk_test")) {
      EngineClient.Sandbox sb = client.create();
      System.out.println("COLD " + ignored(sb.run("cat", "/proc/self/status").out()));
      Sandbox s = engine.sessions().get(sb.id).sandbox();
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
      while (!s.preparedLaunchReady() && System.nanoTime() < deadline) {
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
      long before = s.preparedLaunches();
      String status = sb.run("cat", "/proc/self/status").out();
      System.out.println(
          "PREPARED " + ignored(status) + " " + (s.preparedLaunches() == before + 1));
      for (RunSignal.Sig sig : List.of(RunSignal.Sig.SIG_INT, RunSignal.Sig.SIG_HUP)) {
        System.out.println(sig + " " + endedBy(sb, sig));
      }
    }
    System.out.flush();
  }

  /** The standard signals a {@code /proc/<pid>/status} text says are ignored, as hex. */
  private static String ignored(String status) {
    for (String line : status.split("\n")) {
      if (line.startsWith("SigIgn:")) {
        long mask = Long.parseUnsignedLong(line.substring("SigIgn:".length()).trim(), 16);
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
