package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.ExecuteCommandRequest;
import cloud.tenki.proto.sandbox.v1.RunStart;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Processes a command leaves running (started with {@code &}) keep writing to the command's stdout
 * and stderr after the command ended, without dying of a broken pipe, and a process that writes
 * without pause does not make the engine read as fast as it writes.
 */
class CommandPipesTest {

  @RegisterExtension final Engines engines = new Engines();

  /**
   * Leaves a shell behind that writes a line to stdout and stderr every 50 ms for 1.5 s and then
   * creates {@code name}: a shell killed by SIGPIPE never gets there.
   */
  private static String leaveWriterBehind(String name) {
    return "(i=0; while [ $i -lt 30 ]; do echo out $i; echo err $i >&2; i=$((i+1)); sleep 0.05;"
        + " done; echo finished > "
        + name
        + ") & echo started";
  }

  /** What {@code script} prints once it prints anything, run again until then (at most 15 s). */
  private static String awaitOutput(EngineClient.Sandbox sb, String script) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    String out = "";
    while (System.nanoTime() < deadline) {
      out = sb.run("sh", "-c", script).out();
      if (!out.isEmpty()) {
        return out;
      }
      Thread.sleep(100);
    }
    return out;
  }

  private static String awaitFile(EngineClient.Sandbox sb, String name) throws Exception {
    return awaitOutput(sb, "cat " + name + " 2>/dev/null || true");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void theSandboxUserOpensItsOwnStdioAgain(Isolation isolation) throws Exception {
    EngineClient client =
        engines.client(engines.start(LocalEngine.builder().isolation(isolation)), "tk_test");
    EngineClient.Sandbox sb = client.create();
    String script = "echo out > /dev/stdout; echo err > /dev/stderr; cat /dev/stdin";
    // through the prepared launch, then on demand (a reserved variable name forces that)
    for (boolean onDemand : new boolean[] {false, true}) {
      RunStart.Builder start =
          RunStart.newBuilder().addCmd("sh").addCmd("-c").addCmd(script).setStreamStdin(true);
      if (onDemand) {
        start.putEnv("_tenki_on_demand", "1");
      }
      var r = sb.run(start, "in\n".getBytes(StandardCharsets.UTF_8));
      assertThat(r.err()).as("on demand: " + onDemand).isEqualTo("err\n");
      assertThat(r.out()).isEqualTo("out\nin\n");
      assertThat(r.code()).isZero();
    }
  }

  @Test
  void aProcessLeftRunningByARunKeepsWritingAfterTheCallEnded() throws Exception {
    EngineClient client = engines.client(engines.start(LocalEngine.builder()), "tk_test");
    EngineClient.Sandbox sb = client.create();
    var r = sb.run("sh", "-c", leaveWriterBehind("run-marker"));
    assertThat(r.code()).isZero();
    assertThat(r.out()).contains("started\n");
    assertThat(awaitFile(sb, "run-marker")).isEqualTo("finished\n");
  }

  @Test
  void aProcessLeftRunningByExecuteCommandKeepsWriting() throws Exception {
    EngineClient client = engines.client(engines.start(LocalEngine.builder()), "tk_test");
    EngineClient.Sandbox sb = client.create();
    var r =
        client.control.executeCommand(
            ExecuteCommandRequest.newBuilder()
                .setSessionId(sb.id)
                .setCommand("sh")
                .addArgs("-c")
                .addArgs(leaveWriterBehind("legacy-marker"))
                .build());
    assertThat(r.getExecution().getExitCode()).isZero();
    assertThat(awaitFile(sb, "legacy-marker")).isEqualTo("finished\n");
  }

  @Test
  void aFloodLeftRunningIsReadNoFasterThanTheLimit() throws Exception {
    EngineClient client = engines.client(engines.start(LocalEngine.builder()), "tk_test");
    EngineClient.Sandbox sb = client.create();
    // dd starts after the call ended and writes to its stdout for 2 s, then says how much
    var r =
        sb.run(
            "sh",
            "-c",
            "(sleep 1; timeout -s INT 2 dd if=/dev/zero bs=4096 2>dd.log; echo done >> dd.log) &"
                + " echo started");
    assertThat(r.out()).isEqualTo("started\n");
    String log = awaitOutput(sb, "grep -q done dd.log 2>/dev/null && cat dd.log || true");
    String copied =
        log.lines()
            .filter(l -> l.contains("bytes"))
            .findFirst()
            .orElseThrow(() -> new AssertionError("dd said no count: " + log));
    long bytes = Long.parseLong(copied.split(" ")[0]);
    // 2 s at 64 KiB/s, the pipe's buffer and one read: far below what dd writes unhindered
    assertThat(bytes).as(copied).isPositive().isLessThan(1L << 20);
  }
}
