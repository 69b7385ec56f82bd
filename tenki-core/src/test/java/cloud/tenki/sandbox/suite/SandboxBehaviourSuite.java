package cloud.tenki.sandbox.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.sandbox.CommandFailedException;
import cloud.tenki.sandbox.CreateSandboxOptions;
import cloud.tenki.sandbox.ExecOptions;
import cloud.tenki.sandbox.ExecResult;
import cloud.tenki.sandbox.ListSandboxesOptions;
import cloud.tenki.sandbox.NotFoundException;
import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.SandboxInfo;
import cloud.tenki.sandbox.SandboxProcess;
import cloud.tenki.sandbox.SandboxState;
import cloud.tenki.sandbox.Signal;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.UpdateSandboxOptions;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * What every Tenki backend must do for the SDK, written once: subclasses say how to get a client
 * (an in-process fake, the local engine, the cloud) and inherit every test. Nothing here depends on
 * which backend runs: only on the behaviour the wire contract promises.
 *
 * <p>Processes and the lifetime API are covered here; files, ports, preview URLs, volumes and SSH
 * come from the mixed-in {@link FilesBehaviour}, {@link ResourcesBehaviour} and {@link
 * SshBehaviour}. The backend must offer an SSH gateway (discoverable or configured).
 *
 * <pre>{@code
 * class EngineSandboxBehaviourTest extends SandboxBehaviourSuite {
 *   @Override
 *   protected TenkiClient newClient() {
 *     return TenkiClient.builder().environment(Map.of()).localEngine().build();
 *   }
 * }
 * }</pre>
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
public abstract class SandboxBehaviourSuite
    implements FilesBehaviour, ResourcesBehaviour, SshBehaviour {
  protected TenkiClient client;
  protected Sandbox sandbox;

  @Override
  public TenkiClient client() {
    return client;
  }

  @Override
  public Sandbox sandbox() {
    return sandbox;
  }

  /** A client for the backend under test; the suite closes it. */
  protected abstract TenkiClient newClient();

  /** Options every sandbox the suite creates starts from (placement, for example). */
  protected CreateSandboxOptions.Builder sandboxOptions() {
    return CreateSandboxOptions.builder();
  }

  @BeforeAll
  void startSandbox() {
    client = newClient();
    sandbox = client.sandboxes().create(sandboxOptions().name("suite").build());
  }

  @AfterAll
  void stopSandbox() {
    if (sandbox != null) {
      sandbox.close();
    }
    if (client != null) {
      client.close();
    }
    closeBackend();
  }

  /** Stops whatever {@link #newClient()} started, after the client is closed. */
  protected void closeBackend() {}

  // ---------------------------------------------------------------- exec

  @Test
  void execCollectsOutputAndExitCode() {
    ExecResult r = sandbox.exec("echo", "hello");
    assertThat(r.exitCode()).isZero();
    assertThat(r.success()).isTrue();
    assertThat(r.stdoutText()).isEqualTo("hello\n");
    assertThat(r.stderrText()).isEmpty();
    assertThat(r.signal()).isEmpty();
  }

  @Test
  void nonZeroExitIsAResultAndCheckThrowsWithIt() {
    ExecResult r = sandbox.exec("sh", "-c", "echo out; echo oops >&2; exit 3");
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(r.success()).isFalse();
    assertThat(r.stdoutText()).isEqualTo("out\n");
    assertThat(r.stderrText()).isEqualTo("oops\n");
    assertThatThrownBy(r::check)
        .isInstanceOf(CommandFailedException.class)
        .hasMessageContaining("exited with code 3")
        .hasMessageContaining("oops")
        .satisfies(e -> assertThat(((CommandFailedException) e).result()).isEqualTo(r));
  }

  @Test
  void execPassesEnvCwdAndStdin() {
    sandbox.fs().mkdir("work/sub");
    ExecResult r =
        sandbox
            .exec(
                ExecOptions.builder("sh", "-c", "pwd; echo \"$GREETING\"; cat")
                    .cwd("work/sub")
                    .env("GREETING", "hi there")
                    .stdin("from stdin")
                    .build())
            .check();
    String[] lines = r.stdoutText().split("\n");
    assertThat(lines[0]).endsWith("/work/sub");
    assertThat(lines[1]).isEqualTo("hi there");
    assertThat(lines[2]).isEqualTo("from stdin");
  }

  @Test
  void execWithLargeStdinCollectsTheEcho() {
    byte[] data = new byte[5 * 1024 * 1024];
    new java.util.Random(11).nextBytes(data);
    ExecResult r = sandbox.exec(ExecOptions.builder("cat").stdin(data).build()).check();
    assertThat(r.stdoutBytes()).isEqualTo(data);
  }

  @Test
  void concurrentCommandsOnOneSandboxDoNotInterfere() throws Exception {
    int n = 12;
    List<CompletableFuture<String>> results = new java.util.ArrayList<>();
    java.util.concurrent.ExecutorService pool =
        java.util.concurrent.Executors.newFixedThreadPool(6);
    try {
      for (int i = 0; i < n; i++) {
        String word = "job-" + i;
        results.add(
            CompletableFuture.supplyAsync(
                () ->
                    sandbox
                        .exec("sh", "-c", "echo " + word + "; seq 1 2000 | tail -1")
                        .check()
                        .stdoutText(),
                pool));
      }
      for (int i = 0; i < n; i++) {
        assertThat(results.get(i).get(60, TimeUnit.SECONDS)).isEqualTo("job-" + i + "\n2000\n");
      }
    } finally {
      pool.shutdownNow();
    }
  }

  @Test
  void shellParsesPipesAndRedirects() {
    assertThat(sandbox.shell("echo abc | tr a-c x-z > out.txt && cat out.txt").check().stdoutText())
        .isEqualTo("xyz\n");
  }

  @Test
  void timeoutKillsTheCommandAndKeepsPartialOutput() {
    ExecResult r =
        sandbox.exec(
            ExecOptions.builder("sh", "-c", "echo started; sleep 30; echo never")
                .timeout(Duration.ofMillis(2000))
                .build());
    assertThat(r.timedOut()).isTrue();
    assertThat(r.success()).isFalse();
    assertThat(r.stdoutText()).isEqualTo("started\n");
    assertThat(r.duration()).isLessThan(Duration.ofSeconds(20));
    assertThatThrownBy(r::check).hasMessageContaining("timed out");
  }

  @Test
  void outputCapTruncatesCollectedOutput() {
    ExecResult r =
        sandbox.exec(
            ExecOptions.builder("sh", "-c", "head -c 300000 /dev/zero; echo err >&2")
                .maxOutputBytes(1000)
                .build());
    assertThat(r.stdoutBytes()).hasSize(1000);
    assertThat(r.stdoutTruncated()).isTrue();
    assertThat(r.stderrText()).isEqualTo("err\n");
    assertThat(r.stderrTruncated()).isFalse();
  }

  @Test
  void chunkCallbacksStreamInsteadOfCollecting() {
    List<byte[]> chunks = new CopyOnWriteArrayList<>();
    ExecResult r =
        sandbox.exec(ExecOptions.builder("sh", "-c", "seq 1 50000").onStdout(chunks::add).build());
    assertThat(r.success()).isTrue();
    assertThat(r.stdoutBytes()).isEmpty();
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    chunks.forEach(all::writeBytes);
    assertThat(all.toString(StandardCharsets.UTF_8)).isEqualTo(seq(50000));
  }

  @Test
  void missingProgramIsNotASuccess() {
    try {
      ExecResult r = sandbox.exec("definitely-not-a-program-4711");
      assertThat(r.success()).isFalse();
    } catch (TenkiException e) {
      assertThat(e.getMessage()).isNotBlank();
    }
  }

  @Test
  void emptyArgvIsRejectedBeforeAnyCall() {
    assertThatThrownBy(() -> sandbox.exec(new String[0]))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("argv");
    assertThatThrownBy(() -> ExecOptions.builder("true").timeout(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("timeout");
  }

  // ---------------------------------------------------------------- start

  @Test
  void startedProcessTakesStdinAndStreamsStdout() throws IOException {
    try (SandboxProcess p = sandbox.start("sh", "-c", "read name; echo hello $name")) {
      assertThat(p.pid()).isPositive();
      p.writeStdin("tenki\n");
      p.closeStdin();
      assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("hello tenki\n");
      ExecResult r = p.waitFor().check();
      assertThat(r.exitCode()).isZero();
      assertThat(p.isAlive()).isFalse();
    }
  }

  @Test
  void largeStdoutStreamsCompletely() throws IOException {
    int n = 1_500_000; // about 10.9 MB
    try (SandboxProcess p = sandbox.start("seq", "1", Integer.toString(n))) {
      CompletableFuture<byte[]> err = drain(p.stderr());
      byte[] out = p.stdout().readAllBytes();
      assertThat(new String(out, StandardCharsets.US_ASCII)).isEqualTo(seq(n));
      assertThat(p.waitFor().success()).isTrue();
      assertThat(err.join()).isEmpty();
    }
  }

  @Test
  void largeStdinRoundTripsWhileOutputIsRead() throws Exception {
    byte[] data = new byte[6 * 1024 * 1024 + 123];
    new java.util.Random(42).nextBytes(data);
    try (SandboxProcess p = sandbox.start("cat")) {
      CompletableFuture<byte[]> out = drain(p.stdout());
      try (var in = p.stdin()) {
        for (int off = 0; off < data.length; off += 100_000) {
          in.write(data, off, Math.min(100_000, data.length - off));
        }
      }
      assertThat(out.get(60, TimeUnit.SECONDS)).isEqualTo(data);
      assertThat(p.waitFor().success()).isTrue();
    }
  }

  @Test
  void stdoutAndStderrAreSeparateStreams() throws Exception {
    try (SandboxProcess p = sandbox.start("sh", "-c", "echo to-out; echo to-err >&2")) {
      CompletableFuture<byte[]> err = drain(p.stderr());
      assertThat(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8))
          .isEqualTo("to-out\n");
      assertThat(new String(err.get(30, TimeUnit.SECONDS), StandardCharsets.UTF_8))
          .isEqualTo("to-err\n");
      p.waitFor();
    }
  }

  @Test
  void startedProcessCanStreamToCallbacks() {
    List<byte[]> out = new CopyOnWriteArrayList<>();
    List<byte[]> err = new CopyOnWriteArrayList<>();
    try (SandboxProcess p =
        sandbox.start(
            ExecOptions.builder("sh", "-c", "seq 1 20000; echo done >&2")
                .onStdout(out::add)
                .onStderr(err::add)
                .build())) {
      assertThat(p.waitFor().success()).isTrue();
    }
    ByteArrayOutputStream all = new ByteArrayOutputStream();
    out.forEach(all::writeBytes);
    assertThat(all.toString(StandardCharsets.UTF_8)).isEqualTo(seq(20000));
    assertThat(new String(err.get(0), StandardCharsets.UTF_8)).isEqualTo("done\n");
  }

  /** A callback that notes the thread it runs on and keeps the bytes. */
  private static java.util.function.Consumer<byte[]> recording(
      List<Thread> ranOn, ByteArrayOutputStream into) {
    return b -> {
      ranOn.add(Thread.currentThread());
      into.writeBytes(b);
    };
  }

  @Test
  void callbacksCanRunOnTheWaitingThreadInOrder() {
    Thread waiting = Thread.currentThread();
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    try (SandboxProcess p =
        sandbox.start(
            ExecOptions.builder("sh", "-c", "seq 1 20000; echo done >&2")
                .onStdout(recording(ranOn, out))
                .onStderr(recording(ranOn, err))
                .deliverWhileWaiting(true)
                .build())) {
      assertThat(p.waitFor(Duration.ofSeconds(60)).orElseThrow().success()).isTrue();
    }
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(seq(20000));
    assertThat(err.toString(StandardCharsets.UTF_8)).isEqualTo("done\n");
    assertThat(ranOn).isNotEmpty().allMatch(t -> t == waiting);
  }

  @Test
  void execDeliversOnTheCallingThreadWhenAsked() {
    Thread calling = Thread.currentThread();
    List<Thread> ranOn = new CopyOnWriteArrayList<>();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ExecResult r =
        sandbox.exec(
            ExecOptions.builder("sh", "-c", "seq 1 30000; echo warn >&2; exit 3")
                .onStdout(recording(ranOn, out))
                .deliverWhileWaiting(true)
                .build());
    assertThat(r.exitCode()).isEqualTo(3);
    assertThat(out.toString(StandardCharsets.UTF_8)).isEqualTo(seq(30000));
    assertThat(r.stderrText()).isEqualTo("warn\n");
    assertThat(ranOn).isNotEmpty().allMatch(t -> t == calling);
  }

  @Test
  void stdinBeyondTheWindowFlowsWhenCallbacksRunOnTheWaiter() {
    byte[] input = new byte[6 * 1024 * 1024];
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) ('a' + i % 26);
    }
    long[] received = new long[1];
    ExecResult r =
        sandbox.exec(
            ExecOptions.builder("cat")
                .stdin(input)
                .onStdout(b -> received[0] += b.length)
                .deliverWhileWaiting(true)
                .timeout(Duration.ofSeconds(120))
                .build());
    assertThat(r.success()).isTrue();
    assertThat(received[0]).isEqualTo(input.length);
  }

  @Test
  void aWaitThatTimesOutLeavesLaterOutputForTheNextWait() {
    StringBuilder out = new StringBuilder();
    try (SandboxProcess p =
        sandbox.start(
            ExecOptions.builder("sh", "-c", "echo first; read line; echo \"second $line\"")
                .onStdout(b -> out.append(new String(b, StandardCharsets.UTF_8)))
                .deliverWhileWaiting(true)
                .build())) {
      assertThat(p.waitFor(Duration.ofMillis(300))).isEmpty();
      p.writeStdin("go\n");
      p.closeStdin();
      assertThat(p.waitFor(Duration.ofSeconds(30)).orElseThrow().success()).isTrue();
    }
    assertThat(out.toString()).isEqualTo("first\nsecond go\n");
  }

  @Test
  void signalEndsAProcess() {
    try (SandboxProcess p = sandbox.start("sleep", "60")) {
      assertThat(p.waitFor(Duration.ofMillis(200))).isEmpty();
      p.signal(Signal.TERM);
      ExecResult r = p.waitFor(Duration.ofSeconds(20)).orElseThrow();
      assertThat(r.success()).isFalse();
      assertThat(r.signal().isPresent() || r.exitCode() != 0).isTrue();
    }
  }

  @Test
  void killAndCloseStopARunningProcess() {
    SandboxProcess p = sandbox.start("sleep", "60");
    p.kill();
    assertThat(p.waitFor(Duration.ofSeconds(20)).orElseThrow().success()).isFalse();
    SandboxProcess q = sandbox.start("sleep", "60");
    q.close();
    assertThat(q.isAlive()).isFalse();
    assertThatThrownBy(() -> q.writeStdin("late")).isInstanceOf(RuntimeException.class);
  }

  @Test
  void interruptingExecCancelsTheCommand() throws Exception {
    CompletableFuture<Throwable> failure = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              try {
                sandbox.exec("sleep", "60");
                failure.complete(null);
              } catch (Throwable e) {
                failure.complete(e);
              }
            });
    t.start();
    // the command must be running before the interrupt means anything
    waitUntil(
        () -> t.getState() == Thread.State.WAITING || t.getState() == Thread.State.TIMED_WAITING);
    Thread.sleep(200);
    t.interrupt();
    Throwable e = failure.get(20, TimeUnit.SECONDS);
    assertThat(e).isInstanceOf(TenkiException.class);
    assertThat(((TenkiException) e).code()).isEqualTo("cancelled");
    t.join(5000);
    assertThat(t.isAlive()).isFalse();
  }

  // ---------------------------------------------------------------- sandboxes and lifetime

  @Test
  void infoDescribesARunningSandbox() {
    SandboxInfo info = sandbox.info();
    assertThat(info.id()).isEqualTo(sandbox.id());
    assertThat(info.state()).isEqualTo(SandboxState.RUNNING);
    assertThat(info.name()).isEqualTo("suite");
  }

  @Test
  void sandboxesAskForOutboundNetworkUnlessForbidden() {
    // the suite's sandbox set nothing: like the official SDKs it asked for outbound network; a
    // local engine without slirp4netns says it could not give it
    SandboxInfo info = sandbox.info();
    assertThat(
            info.outboundEnabled()
                || info.metadata()
                    .getOrDefault("tenki.local/network", "")
                    .contains("outbound unavailable"))
        .as("outbound asked for by default: %s %s", info.outboundEnabled(), info.metadata())
        .isTrue();
    try (Sandbox closed =
        client
            .sandboxes()
            .create(
                sandboxOptions()
                    .name("offline")
                    .allowOutbound(false)
                    .allowInbound(false)
                    .build())) {
      SandboxInfo offline = closed.info();
      assertThat(offline.outboundEnabled()).isFalse();
      assertThat(offline.inboundEnabled()).isFalse();
    }
  }

  @Test
  void createPassesSizeLabelsAndEnvironment() {
    String tag = "suite-" + java.util.UUID.randomUUID().toString().substring(0, 8);
    try (Sandbox sb =
        client
            .sandboxes()
            .create(
                sandboxOptions()
                    .cpuCores(1)
                    .memoryMb(1024)
                    .env("SANDBOX_WIDE", "from-create")
                    .metadata("owner", "suite")
                    .tags(tag)
                    .idleTimeoutMinutes(30)
                    .pauseRetention(Duration.ofHours(2))
                    .build())) {
      SandboxInfo info = sb.info();
      assertThat(info.cpuCores()).isEqualTo(1);
      assertThat(info.memoryMb()).isEqualTo(1024);
      assertThat(info.metadata()).containsEntry("owner", "suite");
      assertThat(info.tags()).contains(tag);
      assertThat(info.idleTimeoutMinutes()).contains(30);
      assertThat(info.pauseRetention()).contains(Duration.ofHours(2));
      assertThat(sb.exec("sh", "-c", "echo $SANDBOX_WIDE").check().stdoutText())
          .isEqualTo("from-create\n");
      assertThat(
              client
                  .sandboxes()
                  .list(ListSandboxesOptions.builder().tags(tag).build())
                  .map(SandboxInfo::id))
          .containsExactly(sb.id());
    }
  }

  @Test
  void getAttachesToAnExistingSandbox() {
    Sandbox same = client.sandboxes().get(sandbox.id()).keepOnClose();
    try (same) {
      assertThat(same.exec("echo", "again").check().stdoutText()).isEqualTo("again\n");
    }
    assertThat(sandbox.info().state()).isEqualTo(SandboxState.RUNNING);
  }

  @Test
  void unknownSandboxIsNotFound() {
    assertThatThrownBy(() -> client.sandboxes().get("sbx_does_not_exist_0"))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  void listFindsSandboxesAndFiltersSticky() {
    try (Sandbox sticky = client.sandboxes().create(sandboxOptions().sticky(true).build())) {
      List<String> stickyIds =
          client
              .sandboxes()
              .list(ListSandboxesOptions.builder().sticky(true).build())
              .map(SandboxInfo::id)
              .toList();
      assertThat(stickyIds).contains(sticky.id()).doesNotContain(sandbox.id());
      List<String> all =
          client
              .sandboxes()
              .list(ListSandboxesOptions.builder().pageSize(1).build())
              .map(SandboxInfo::id)
              .toList();
      assertThat(all).contains(sticky.id(), sandbox.id());
    }
  }

  @Test
  void extendMovesTheDeadline() {
    try (Sandbox sb =
        client.sandboxes().create(sandboxOptions().maxDuration(Duration.ofMinutes(30)).build())) {
      var before = sb.info().timeoutAt().orElseThrow();
      var after = sb.extend(Duration.ofMinutes(10)).timeoutAt().orElseThrow();
      assertThat(Duration.between(before, after)).isGreaterThanOrEqualTo(Duration.ofMinutes(9));
    }
  }

  @Test
  void pauseAndResumeKeepFiles() {
    try (Sandbox sb = client.sandboxes().create(sandboxOptions().build())) {
      sb.fs().writeText("keep.txt", "still here");
      assertThat(sb.pause().state()).isIn(SandboxState.PAUSED, SandboxState.PAUSING);
      assertThat(sb.resume().state()).isEqualTo(SandboxState.RUNNING);
      assertThat(sb.fs().readText("keep.txt")).isEqualTo("still here");
      assertThat(sb.exec("cat", "keep.txt").check().stdoutText()).isEqualTo("still here");
    }
  }

  @Test
  void updateChangesNameAndStickiness() {
    try (Sandbox sb = client.sandboxes().create(sandboxOptions().build())) {
      SandboxInfo info =
          sb.update(UpdateSandboxOptions.builder().name("renamed").sticky(true).build());
      assertThat(info.name()).isEqualTo("renamed");
      assertThat(info.sticky()).isTrue();
      assertThat(sb.info().name()).isEqualTo("renamed");
    }
  }

  @Test
  void closeTerminatesUnlessKept() {
    Sandbox gone = client.sandboxes().create(sandboxOptions().build());
    String goneId = gone.id();
    gone.close();
    assertTerminated(goneId);

    Sandbox kept = client.sandboxes().create(sandboxOptions().keepOnClose(true).build());
    kept.close();
    try (Sandbox again = client.sandboxes().get(kept.id())) {
      assertThat(again.info().state()).isEqualTo(SandboxState.RUNNING);
    }
    assertTerminated(kept.id());
  }

  private void assertTerminated(String id) {
    try {
      SandboxState st = client.sandboxes().get(id).keepOnClose().info().state();
      assertThat(st)
          .isIn(SandboxState.TERMINATED, SandboxState.TERMINATING, SandboxState.USER_SHUTDOWN);
    } catch (NotFoundException e) {
      // removed entirely: also terminated
    }
  }

  // ---------------------------------------------------------------- helpers

  protected static String seq(int n) {
    StringBuilder sb = new StringBuilder();
    for (int i = 1; i <= n; i++) {
      sb.append(i).append('\n');
    }
    return sb.toString();
  }

  protected static CompletableFuture<byte[]> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return in.readAllBytes();
          } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
          }
        },
        r -> {
          Thread t = new Thread(r, "suite-drain");
          t.setDaemon(true);
          t.start();
        });
  }

  protected static void waitUntil(java.util.function.BooleanSupplier condition) {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met within 20 s");
      }
      Thread.onSpinWait();
      try {
        Thread.sleep(10);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError(e);
      }
    }
  }
}
