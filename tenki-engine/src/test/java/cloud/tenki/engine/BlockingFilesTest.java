package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.proto.sandbox.v1.ReadFileRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceReadFileRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileRequest;
import cloud.tenki.proto.sandbox.v1.WriteFileRequest;
import com.google.protobuf.ByteString;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * A sandbox can plant files that block whoever opens them (a FIFO nobody writes to). A file call on
 * one must end when its caller gives up, taking its helper program with it, instead of holding an
 * engine thread and a sandbox process until the operation timeout.
 */
class BlockingFilesTest {

  @RegisterExtension final Engines engines = new Engines();
  private LocalEngine engine;
  private EngineClient client;

  /**
   * How many of the sandbox's processes are file helpers (the engine's scripts run as {@code
   * tenki-fs}; a whole-file read execs {@code head -c}), polled until none is left or the deadline
   * passes.
   */
  private static int helpersLeft(EngineClient.Sandbox sb, long deadlineMs) throws Exception {
    long end = System.nanoTime() + deadlineMs * 1_000_000L;
    while (true) {
      String out =
          sb.run("/bin/sh", "-c", "ps -eo args= | grep -cE '[t]enki-fs|^head -c' || true").out();
      int n = Integer.parseInt(out.trim());
      if (n == 0 || System.nanoTime() > end) {
        return n;
      }
      Thread.sleep(100);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void aCallerGivingUpOnAFifoEndsItsHelper(Isolation isolation) throws Exception {
    engine = engines.start(LocalEngine.builder().isolation(isolation));
    client = engines.client(engine, "tk_test");
    EngineClient.Sandbox sb = client.create();
    assertThat(sb.run("mkfifo", "/home/tenki/trap").exit().getExitCode()).isZero();
    assertThatThrownBy(
            () ->
                sb.data
                    .withDeadlineAfter(1, TimeUnit.SECONDS)
                    .readFile(
                        SandboxSessionDataPlaneServiceReadFileRequest.newBuilder()
                            .setRequest(
                                ReadFileRequest.newBuilder().setSessionId(sb.id).setPath("trap"))
                            .build()))
        .hasMessageContaining("DEADLINE_EXCEEDED");
    assertThat(helpersLeft(sb, 10_000)).as("blocked readers left").isZero();
    assertThatThrownBy(
            () ->
                sb.data
                    .withDeadlineAfter(1, TimeUnit.SECONDS)
                    .writeFile(
                        SandboxSessionDataPlaneServiceWriteFileRequest.newBuilder()
                            .setRequest(
                                WriteFileRequest.newBuilder()
                                    .setSessionId(sb.id)
                                    .setPath("trap")
                                    .setContent(ByteString.copyFromUtf8("x")))
                            .build()))
        .hasMessageContaining("DEADLINE_EXCEEDED");
    assertThat(helpersLeft(sb, 10_000)).as("blocked writers left").isZero();
    // the sandbox and its file api still work
    sb.write("ok.txt", "fine");
    assertThat(sb.readText("ok.txt")).isEqualTo("fine");
  }
}
