package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.CreateSessionRequest;
import cloud.tenki.proto.sandbox.v1.RunRequest;
import cloud.tenki.proto.sandbox.v1.RunStart;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunResponse;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCallStreamObserver;
import io.grpc.stub.ClientResponseObserver;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Runaway sandboxes: a fork bomb, a memory hog, a disk filler, an output flood and an endless sleep
 * each stay inside their own sandbox while the engine and a neighbour keep working.
 */
class ExhaustionTest {

  @RegisterExtension final Engines engines = new Engines();
  private LocalEngine engine;
  private EngineClient client;

  private void start(Isolation isolation) {
    engine =
        engines.start(
            LocalEngine.builder()
                .isolation(isolation)
                .maxProcesses(128)
                .diskCheckInterval(Duration.ofMillis(200)));
    client = engines.client(engine, "tk_test");
  }

  private static void neighbourWorks(EngineClient.Sandbox neighbour) throws Exception {
    long t0 = System.nanoTime();
    var r = neighbour.run("sh", "-c", "echo alive");
    assertThat(r.out()).isEqualTo("alive\n");
    assertThat((System.nanoTime() - t0) / 1_000_000).as("neighbour command ms").isLessThan(10_000);
  }

  /**
   * What {@code script} prints about the sandbox's processes, run again until it no longer mentions
   * {@code text} or 10 s pass (then the last output, for the caller's assertion).
   */
  private static String psUntilGone(EngineClient.Sandbox sb, String text, String script)
      throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    String out = sb.run("sh", "-c", script).out();
    while (out.contains(text) && System.nanoTime() < deadline) {
      Thread.sleep(50);
      out = sb.run("sh", "-c", script).out();
    }
    return out;
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void forkBombIsContained(Isolation isolation) throws Exception {
    start(isolation);
    EngineClient.Sandbox bomb = client.create();
    EngineClient.Sandbox neighbour = client.create();
    var r =
        bomb.run(
            RunStart.newBuilder()
                .addAllCmd(List.of("bash", "-c", "b(){ b | b & }; b; sleep 5"))
                .setTimeoutMs(3000),
            null);
    neighbourWorks(neighbour);
    assertThat(r.exit().getTimedOut() || r.code() != 0).isTrue();
    // the timeout killed the bomb's process group; a child forked while the kill went on may
    // live on and keep the table full, and then the sandbox says so
    try {
      assertThat(bomb.run("sh", "-c", "echo survived").code()).isIn(0, 1, 126);
    } catch (java.util.concurrent.ExecutionException e) {
      assertThat(Status.fromThrowable(e.getCause()).getCode())
          .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    }
    assertThat(bomb.terminate().getStateValue()).isEqualTo(6);
    neighbourWorks(neighbour);
  }

  /**
   * Leaves a process behind that takes every process slot of its sandbox as soon as one is free,
   * each holding it with a sleeping child.
   */
  private static final String SLOT_TAKER =
      String.join(
          "\n",
          "import os, time",
          "if os.fork():",
          "    os._exit(0)",
          "os.setsid()",
          "while True:",
          "    try:",
          "        if os.fork() == 0:",
          "            time.sleep(3600)",
          "            os._exit(0)",
          "    except OSError:",
          "        time.sleep(0.005)");

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void aFullProcessTableIsReportedAndPausingEndsIt(Isolation isolation) throws Exception {
    start(isolation);
    EngineClient.Sandbox sb = client.create();
    sb.write("keep.txt", "kept");
    assertThat(sb.run("python3", "-c", SLOT_TAKER).code()).isZero();
    // a try may still find a prepared launch, or slots freed an instant before (then it runs, or
    // fails as before, by nsenter's "fork failed"): a full table must be reported within a few
    StatusRuntimeException refused = null;
    for (int i = 0; i < 20 && refused == null; i++) {
      try {
        sb.run("echo", "hi");
      } catch (java.util.concurrent.ExecutionException e) {
        assertThat(e.getCause()).isInstanceOf(StatusRuntimeException.class);
        refused = (StatusRuntimeException) e.getCause();
      }
      Thread.sleep(50);
    }
    assertThat(refused).as("a command refused for the process limit").isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(refused.getStatus().getDescription())
        .contains("process limit reached")
        .contains("128");
    StatusRuntimeException read =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            () -> sb.readText("keep.txt"), StatusRuntimeException.class);
    assertThat(read).as("a file read while the table is full").isNotNull();
    assertThat(read.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(read.getStatus().getDescription()).contains("process limit reached");
    // pausing ends every process of the sandbox; its files stay
    client.control.pauseSession(
        cloud.tenki.proto.sandbox.v1.PauseSessionRequest.newBuilder().setSessionId(sb.id).build());
    var after =
        SandboxHostUids.resumed(client, sb.id)
            .run("sh", "-c", "cat keep.txt; ps -e --no-headers | wc -l");
    assertThat(after.out()).startsWith("kept");
    assertThat(Integer.parseInt(after.out().substring(4).trim())).isLessThan(10);
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void memoryHogIsKilledInsideItsSandbox(Isolation isolation) throws Exception {
    start(isolation);
    EngineClient.Sandbox hog = client.create(CreateSessionRequest.newBuilder().setMemoryMb(128));
    EngineClient.Sandbox neighbour = client.create();
    var r =
        hog.run(
            "python3",
            "-c",
            "x = bytearray(1024 * 1024 * 1024); x[::4096] = b'1' * len(x[::4096]); print('allocated')");
    assertThat(r.out()).doesNotContain("allocated");
    assertThat(r.code()).isNotZero();
    neighbourWorks(neighbour);
    assertThat(hog.run("echo", "still usable").out()).isEqualTo("still usable\n");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP"})
  void sparseFilesCountWhatTheyUseAgainstTheQuota(Isolation isolation) throws Exception {
    start(isolation);
    EngineClient.Sandbox sb = client.create(CreateSessionRequest.newBuilder().setDiskSizeGb(1));
    // 2.7 GiB of file length in a 1 GiB sandbox, with next to nothing allocated
    var made = sb.run("sh", "-c", "for i in 1 2 3; do truncate -s 900M sparse$i || exit 1; done");
    assertThat(made.code()).isZero();
    // the quota is checked every 200 ms here: for a good many checks, writes keep working
    long until = System.nanoTime() + 2_500_000_000L;
    int writes = 0;
    while (System.nanoTime() < until) {
      sb.write("probe.txt", "x");
      writes++;
    }
    assertThat(writes).isPositive();
    assertThat(sb.run("sh", "-c", "ls sparse1 sparse2 sparse3").code()).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP"})
  void diskFillerHitsItsQuota(Isolation isolation) throws Exception {
    start(isolation);
    EngineClient.Sandbox filler = client.create(CreateSessionRequest.newBuilder().setDiskSizeGb(1));
    EngineClient.Sandbox neighbour = client.create();
    // one file can never outgrow the quota
    var big =
        filler.run(
            "sh",
            "-c",
            "dd if=/dev/zero of=big bs=1M count=1100 2>/dev/null; echo rc=$?; stat -c %s big");
    assertThat(big.out()).doesNotContain("rc=0");
    long size = Long.parseLong(big.out().trim().substring(big.out().trim().lastIndexOf('\n') + 1));
    assertThat(size).as("largest file").isLessThanOrEqualTo(1L << 30);
    // many files together are caught by the periodic check, which stops writes
    filler.run("sh", "-c", "dd if=/dev/zero of=more bs=1M count=600 2>/dev/null; sleep 30");
    long deadline = System.nanoTime() + 20_000_000_000L;
    StatusRuntimeException refused = null;
    while (refused == null && System.nanoTime() < deadline) {
      try {
        filler.write("probe.txt", "x");
        Thread.onSpinWait();
      } catch (StatusRuntimeException e) {
        refused = e;
      }
    }
    assertThat(refused).as("writes refused over quota").isNotNull();
    assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    neighbourWorks(neighbour);
    filler.run("rm", "-f", "big", "more");
    deadline = System.nanoTime() + 20_000_000_000L;
    boolean writable = false;
    while (!writable && System.nanoTime() < deadline) {
      try {
        filler.write("probe.txt", "x");
        writable = true;
      } catch (StatusRuntimeException e) {
        Thread.onSpinWait();
      }
    }
    assertThat(writable).as("writable again after deleting").isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void endlessSleepIsKilledAtItsTimeout(Isolation isolation) throws Exception {
    start(isolation);
    EngineClient.Sandbox sb = client.create();
    long t0 = System.nanoTime();
    var r =
        sb.run(
            RunStart.newBuilder()
                .addAllCmd(List.of("sh", "-c", "sleep infinity & sleep infinity"))
                .setTimeoutMs(500),
            null);
    assertThat(r.exit().getTimedOut()).isTrue();
    assertThat(r.exit().getSignal()).isEqualTo("SIGKILL");
    assertThat((System.nanoTime() - t0) / 1_000_000).isLessThan(10_000);
    // the exit frame follows the command's own exit; the background sleep got the same SIGKILL
    // but ends only when next scheduled, which on a busy machine can be after the reply
    String ps = psUntilGone(sb, "sleep infinity", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '");
    assertThat(ps).as("the whole process group died").doesNotContain("sleep infinity");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP"})
  void outputFloodWaitsForASlowClient(Isolation isolation) throws Exception {
    start(isolation);
    EngineClient.Sandbox flood = client.create();
    EngineClient.Sandbox neighbour = client.create();
    AtomicLong received = new AtomicLong();
    ClientResponseObserver<
            SandboxSessionDataPlaneServiceRunRequest, SandboxSessionDataPlaneServiceRunResponse>
        slow =
            new ClientResponseObserver<>() {
              @Override
              public void beforeStart(
                  ClientCallStreamObserver<SandboxSessionDataPlaneServiceRunRequest> call) {
                call.disableAutoRequestWithInitial(4);
              }

              @Override
              public void onNext(SandboxSessionDataPlaneServiceRunResponse value) {
                received.addAndGet(value.getFrame().getStdout().size());
              }

              @Override
              public void onError(Throwable t) {}

              @Override
              public void onCompleted() {}
            };
    Runtime rt = Runtime.getRuntime();
    System.gc();
    long heapBefore = rt.totalMemory() - rt.freeMemory();
    var req = flood.async.run(slow);
    req.onNext(
        EngineClient.runFrame(
            RunRequest.newBuilder()
                .setStart(RunStart.newBuilder().setSessionId(flood.id).addCmd("yes"))
                .build()));
    long until = System.nanoTime() + 3_000_000_000L;
    while (System.nanoTime() < until) {
      neighbourWorks(neighbour);
    }
    System.gc();
    long heapAfter = rt.totalMemory() - rt.freeMemory();
    assertThat(received.get()).as("bytes the slow client took").isLessThan(1024 * 1024);
    assertThat(heapAfter - heapBefore).as("heap growth during the flood").isLessThan(64L << 20);
    req.onError(new RuntimeException("client gives up"));
    // the engine kills the command when it sees the cancellation, after this call returned
    String ps = psUntilGone(flood, "yes", "cat /proc/[0-9]*/comm");
    assertThat(ps).as("the flood ended with its call").doesNotContain("yes");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void rlimitsContainRunawaysWithoutCgroups(Isolation isolation) throws Exception {
    engine =
        engines.start(
            LocalEngine.builder().isolation(isolation).maxProcesses(64).useCgroups(false));
    client = engines.client(engine, "tk_test");
    assertThat(engine.limitsMechanism()).isEqualTo("rlimit");
    EngineClient.Sandbox bomb = client.create(CreateSessionRequest.newBuilder().setMemoryMb(256));
    EngineClient.Sandbox neighbour = client.create();
    assertThat(bomb.created.getSession().getMetadataMap())
        .containsEntry("tenki.local/limits", "rlimit");
    var r =
        bomb.run(
            RunStart.newBuilder()
                .addAllCmd(List.of("bash", "-c", "b(){ b | b & }; b; sleep 5"))
                .setTimeoutMs(3000),
            null);
    assertThat(r.exit().getTimedOut() || r.code() != 0).isTrue();
    neighbourWorks(neighbour);
    var hog = bomb.run("python3", "-c", "x = bytearray(1024 * 1024 * 1024); print('allocated')");
    assertThat(hog.out()).doesNotContain("allocated");
    assertThat(hog.code()).isNotZero();
    bomb.terminate();
    neighbourWorks(neighbour);
  }
}
