package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.RunStart;
import io.grpc.Status;
import java.util.concurrent.ExecutionException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The largest argument and environment variable the kernel execs are accepted and run; one byte
 * more is refused as INVALID_ARGUMENT with the limit, before anything starts.
 */
class LaunchLimitsTest {

  @RegisterExtension final Engines engines = new Engines();

  /** Linux's limit on one argument or variable, its terminating NUL included. */
  private static final int KERNEL_LIMIT = 128 * 1024;

  /** The carrier name a variable crosses the host-side launch chain under adds this prefix. */
  private static final int CARRIER = "TENKI_ENV_".length();

  private static Status refusal(ThrowingRun run) throws Exception {
    try {
      run.run();
      return null;
    } catch (ExecutionException e) {
      return Status.fromThrowable(e.getCause());
    }
  }

  @FunctionalInterface
  private interface ThrowingRun {
    void run() throws Exception;
  }

  @Test
  void theLongestArgumentRunsAndOneByteMoreIsRefused() throws Exception {
    EngineClient.Sandbox sb = engines.client(engines.start(LocalEngine.builder()), "tk_t").create();
    String longest = "a".repeat(KERNEL_LIMIT - 1);
    var r = sb.run("sh", "-c", "printf %s \"${#1}\"", "x", longest);
    assertThat(r.out()).isEqualTo(Integer.toString(KERNEL_LIMIT - 1));
    Status refused = refusal(() -> sb.run("sh", "-c", "true", "x", longest + "a"));
    assertThat(refused).isNotNull();
    assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getDescription()).contains("at most " + (KERNEL_LIMIT - 1));
  }

  @Test
  void theLongestVariableRunsAndOneByteMoreIsRefused() throws Exception {
    EngineClient.Sandbox sb = engines.client(engines.start(LocalEngine.builder()), "tk_t").create();
    // "V=" and the value
    String value = "b".repeat(KERNEL_LIMIT - 1 - CARRIER - 2);
    var r =
        sb.run(
            RunStart.newBuilder()
                .addCmd("sh")
                .addCmd("-c")
                .addCmd("printf %s \"${#V}\"")
                .putEnv("V", value),
            null);
    assertThat(r.err()).isEmpty();
    assertThat(r.out()).isEqualTo(Integer.toString(value.length()));
    Status refused =
        refusal(() -> sb.run(RunStart.newBuilder().addCmd("true").putEnv("V", value + "b"), null));
    assertThat(refused).isNotNull();
    assertThat(refused.getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    assertThat(refused.getDescription()).contains("at most " + (KERNEL_LIMIT - 1 - CARRIER));
  }
}
