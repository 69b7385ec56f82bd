package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.proto.sandbox.v1.*;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Data-plane rpcs: processes, streams, files and their errors. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class DataPlaneTest {

  private LocalEngine engine;
  private EngineClient client;
  private EngineClient.Sandbox sb;

  /** The engine under test; the network variant listens and is reached over h2c. */
  LocalEngine newEngine() {
    return LocalEngine.start();
  }

  @BeforeAll
  void start() {
    engine = newEngine();
    client = new EngineClient(engine.endpoint(), "tk_test");
    sb = client.create(CreateSessionRequest.newBuilder().putEnv("SESSION_VAR", "from-session"));
  }

  @AfterAll
  void stop() {
    client.close();
    engine.close();
  }

  @Test
  void runFramesEnvCwdAndExit() throws Exception {
    sb.mkdir("sub/dir", 0750, true);
    var r =
        sb.run(
            RunStart.newBuilder()
                .addAllCmd(
                    List.of("sh", "-c", "pwd; echo $SESSION_VAR $CALL_VAR; echo err >&2; exit 7"))
                .setCwd("sub/dir")
                .putEnv("CALL_VAR", "from-call"),
            null);
    assertThat(r.frames().get(0).hasStarted()).isTrue();
    assertThat(r.frames().get(0).getStarted().getPid()).isPositive();
    assertThat(r.frames().get(0).getStarted().getStdinWindowBytes()).isPositive();
    assertThat(r.frames().get(r.frames().size() - 1).hasExit()).isTrue();
    assertThat(r.out()).isEqualTo("/home/tenki/sub/dir\nfrom-session from-call\n");
    assertThat(r.err()).isEqualTo("err\n");
    assertThat(r.code()).isEqualTo(7);
    assertThat(r.exit().getSignal()).isEmpty();
    assertThat(r.exit().getTimedOut()).isFalse();
  }

  @Test
  void missingCwdFailsBeforeStart() {
    assertThatThrownBy(
            () -> sb.run(RunStart.newBuilder().addCmd("true").setCwd("/no/such/dir"), null))
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("/no/such/dir");
    assertThatThrownBy(() -> sb.run(RunStart.newBuilder(), null))
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("cmd");
  }

  @Test
  void commandNotFoundIsAnExitCode() throws Exception {
    var r = sb.run("no-such-binary-xyz");
    assertThat(r.code()).isEqualTo(127);
  }

  @Test
  void stdinStreamsWithGrants() throws Exception {
    byte[] input = new byte[600 * 1024];
    for (int i = 0; i < input.length; i++) {
      input[i] = (byte) ('a' + i % 26);
    }
    var r =
        sb.run(RunStart.newBuilder().addAllCmd(List.of("wc", "-c")).setStreamStdin(true), input);
    assertThat(r.out().trim()).isEqualTo(Integer.toString(input.length));
    long granted =
        r.frames().stream()
            .filter(RunResponse::hasFlow)
            .mapToLong(f -> f.getFlow().getStdinGrantBytes())
            .sum();
    assertThat(granted).isEqualTo(input.length);
  }

  @Test
  void signalsReachTheProcessGroup() throws Exception {
    for (var sig :
        Map.of(
                RunSignal.Sig.SIG_TERM, "SIGTERM",
                RunSignal.Sig.SIG_INT, "SIGINT",
                RunSignal.Sig.SIG_HUP, "SIGHUP",
                RunSignal.Sig.SIG_KILL, "SIGKILL",
                RunSignal.Sig.SIG_USR1, "SIGUSR1")
            .entrySet()) {
      var run = sb.start("sh", "-c", "echo up; sleep 30 & wait");
      run.awaitOutput(10);
      run.signal(sig.getKey());
      var r = run.result(20);
      assertThat(r.exit().getSignal()).as(sig.getValue()).isEqualTo(sig.getValue());
    }
    // a process that handles TERM exits with its own status
    var run = sb.start("bash", "-c", "trap 'exit 0' TERM; echo up; sleep 30 & wait");
    run.awaitOutput(10);
    run.signal(RunSignal.Sig.SIG_TERM);
    var r = run.result(20);
    assertThat(r.code()).isZero();
    assertThat(r.exit().getSignal()).isEmpty();
  }

  @Test
  void clientCancellationKillsTheGroup() throws Exception {
    var run = sb.start("sh", "-c", "echo up; sleep 777 & sleep 778");
    run.awaitOutput(10);
    run.req().onError(new RuntimeException("client cancels"));
    String ps = "";
    long deadline = System.nanoTime() + 10_000_000_000L;
    do {
      ps = sb.run("sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '").out();
    } while (ps.contains("sleep 77") && System.nanoTime() < deadline);
    assertThat(ps).doesNotContain("sleep 777").doesNotContain("sleep 778");
  }

  @Test
  void filesStatListMkdirRemove() {
    sb.mkdir("/tmp/tree/a/b", 0700, true);
    assertThatThrownBy(() -> sb.mkdir("/tmp/tree", 0755, false))
        .hasMessageContaining("ALREADY_EXISTS");
    sb.write("/tmp/tree/a/b/f.txt", "12345");
    sb.write("/tmp/tree/.hidden", "h");
    var st = sb.stat("/tmp/tree/a/b/f.txt");
    assertThat(st.getExists()).isTrue();
    assertThat(st.getSize()).isEqualTo(5);
    assertThat(st.getIsDir()).isFalse();
    assertThat(st.getMode()).isEqualTo(0644);
    assertThat(st.getModifiedUnixNs()).isGreaterThan(1_600_000_000_000_000_000L);
    assertThat(sb.stat("/tmp/tree/a/b").getMode()).isEqualTo(0700);
    assertThat(sb.stat("/tmp/none").getExists()).isFalse();
    assertThat(sb.list("/tmp/tree", false)).extracting(ListEntry::getName).containsExactly("a");
    assertThat(sb.list("/tmp/tree", true))
        .extracting(ListEntry::getName)
        .containsExactly(".hidden", "a");
    assertThat(sb.list("/tmp/tree", true).get(1).getIsDir()).isTrue();
    assertThatThrownBy(() -> sb.list("/tmp/tree/.hidden", false))
        .hasMessageContaining("FAILED_PRECONDITION");
    assertThatThrownBy(() -> sb.list("/tmp/none", false)).hasMessageContaining("NOT_FOUND");
    assertThatThrownBy(() -> sb.remove("/tmp/tree", false))
        .hasMessageContaining("FAILED_PRECONDITION");
    var removed = sb.remove("/tmp/tree", true);
    assertThat(removed.getRemoved()).isTrue();
    assertThat(removed.getEntriesRemoved()).isEqualTo(5);
    assertThat(sb.remove("/tmp/tree", true).getRemoved()).isFalse();
    assertThatThrownBy(() -> sb.read("/tmp/none"))
        .hasMessageContaining("NOT_FOUND")
        .hasMessageContaining("no such file or directory");
    assertThatThrownBy(() -> sb.read("/tmp")).hasMessageContaining("FAILED_PRECONDITION");
    assertThatThrownBy(() -> sb.write("/usr/bin/evil", "x"))
        .hasMessageContaining("PERMISSION_DENIED");
    assertThat(sb.readText("/usr/lib/os-release").length()).isPositive();
  }

  @Test
  void streamsWithOffsetsModesAndAppend() throws Exception {
    byte[] data = new byte[200_000];
    for (int i = 0; i < data.length; i++) {
      data[i] = (byte) (i * 7);
    }
    writeStream("streams/blob.bin", 0600, true, data);
    writeStream("streams/blob.bin", 0, false, "tail".getBytes(StandardCharsets.UTF_8));
    assertThat(sb.stat("streams/blob.bin").getMode()).isEqualTo(0600);
    assertThat(sb.stat("streams/blob.bin").getSize()).isEqualTo(data.length + 4);
    Iterator<SandboxSessionDataPlaneServiceReadFileStreamResponse> it =
        sb.data.readFileStream(
            SandboxSessionDataPlaneServiceReadFileStreamRequest.newBuilder()
                .setRequest(
                    ReadFileStreamRequest.newBuilder()
                        .setSessionId(sb.id)
                        .setPath("streams/blob.bin")
                        .setOffset(1000)
                        .setLength(50_000)
                        .setChunkBytes(16 * 1024))
                .build());
    ByteArrayOutputStream got = new ByteArrayOutputStream();
    int frames = 0;
    boolean eof = false;
    while (it.hasNext()) {
      var f = it.next().getResponse();
      frames++;
      assertThat(f.getTotalSize()).isEqualTo(data.length + 4);
      got.writeBytes(f.getData().toByteArray());
      eof = f.getEof();
    }
    assertThat(eof).isTrue();
    assertThat(frames).isGreaterThanOrEqualTo(4);
    byte[] expected = java.util.Arrays.copyOfRange(data, 1000, 51_000);
    assertThat(got.toByteArray()).isEqualTo(expected);
    assertThatThrownBy(
            () ->
                sb.data
                    .readFileStream(
                        SandboxSessionDataPlaneServiceReadFileStreamRequest.newBuilder()
                            .setRequest(
                                ReadFileStreamRequest.newBuilder()
                                    .setSessionId(sb.id)
                                    .setPath("streams/none"))
                            .build())
                    .hasNext())
        .hasMessageContaining("NOT_FOUND");
  }

  @Test
  void aFileThatCanBeStatedButNotOpenedIsAnErrorNotAnEmptyRead() throws Exception {
    assertThat(sb.run("sh", "-c", "printf secret > locked; chmod 000 locked").code()).isZero();
    assertThat(sb.stat("locked").getSize()).isEqualTo(6);
    assertThatThrownBy(() -> sb.read("locked"))
        .hasMessageContaining("PERMISSION_DENIED")
        .hasMessageContaining("permission denied: /home/tenki/locked");
    Iterator<SandboxSessionDataPlaneServiceReadFileStreamResponse> it =
        sb.data.readFileStream(
            SandboxSessionDataPlaneServiceReadFileStreamRequest.newBuilder()
                .setRequest(
                    ReadFileStreamRequest.newBuilder().setSessionId(sb.id).setPath("locked"))
                .build());
    // no frame may claim the end of the file: the stream fails instead
    assertThatThrownBy(
            () -> {
              while (it.hasNext()) {
                assertThat(it.next().getResponse().getEof()).isFalse();
              }
            })
        .hasMessageContaining("PERMISSION_DENIED");
  }

  @Test
  void aFileWhereAParentFolderShouldBeIsNamed() {
    sb.write("plain", "x");
    assertThatThrownBy(() -> sb.write("plain/f.txt", "y"))
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining(
            "not a directory: /home/tenki/plain is a file, so /home/tenki/plain/f.txt cannot be"
                + " created");
    assertThatThrownBy(() -> sb.write("plain/sub/f.txt", "y"))
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining(
            "not a directory: a folder on the way to /home/tenki/plain/sub/f.txt is a file");
  }

  private void writeStream(String path, int mode, boolean truncate, byte[] data) throws Exception {
    CompletableFuture<WriteFileStreamResponse> done = new CompletableFuture<>();
    StreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamRequest> req =
        sb.async.writeFileStream(
            new StreamObserver<>() {
              @Override
              public void onNext(SandboxSessionDataPlaneServiceWriteFileStreamResponse value) {
                done.complete(value.getResponse());
              }

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    req.onNext(
        SandboxSessionDataPlaneServiceWriteFileStreamRequest.newBuilder()
            .setFrame(
                WriteFileStreamRequest.newBuilder()
                    .setStart(
                        WriteFileStreamStart.newBuilder()
                            .setSessionId(sb.id)
                            .setPath(path)
                            .setMode(mode)
                            .setTruncate(truncate)))
            .build());
    for (int off = 0; off < data.length; off += 30_000) {
      req.onNext(
          SandboxSessionDataPlaneServiceWriteFileStreamRequest.newBuilder()
              .setFrame(
                  WriteFileStreamRequest.newBuilder()
                      .setData(ByteString.copyFrom(data, off, Math.min(30_000, data.length - off))))
              .build());
    }
    req.onCompleted();
    WriteFileStreamResponse r = done.get(30, TimeUnit.SECONDS);
    assertThat(r.getBytesWritten()).isEqualTo(data.length);
    assertThat(r.getPath()).isEqualTo("/home/tenki/" + path);
  }

  @Test
  void credentialsAreCheckedOnEveryCall() {
    var other = client.create();
    var wrongSession =
        client
        .new Sandbox(
            CreateSessionResponse.newBuilder()
                .setSession(client.get(sb.id))
                .setCredential(other.created.getCredential())
                .build());
    assertThatThrownBy(() -> wrongSession.stat("/home/tenki"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED);
              assertThat(e.getStatus().getDescription()).contains("another session");
            });
    var garbage =
        client
        .new Sandbox(
            CreateSessionResponse.newBuilder()
                .setSession(client.get(sb.id))
                .setCredential(SessionCredential.newBuilder().setCredential("tkc_garbage"))
                .build());
    assertThatThrownBy(() -> garbage.read("/etc/passwd")).hasMessageContaining("UNAUTHENTICATED");
    assertThatThrownBy(() -> garbage.run("true")).hasMessageContaining("UNAUTHENTICATED");
    var none =
        SandboxSessionDataPlaneServiceGrpc.newBlockingStub(client.channel)
            .withDeadlineAfter(10, TimeUnit.SECONDS);
    assertThatThrownBy(
            () ->
                none.stat(
                    SandboxSessionDataPlaneServiceStatRequest.newBuilder()
                        .setRequest(StatRequest.newBuilder().setSessionId(sb.id).setPath("/"))
                        .build()))
        .hasMessageContaining("UNAUTHENTICATED");
    other.terminate();
    assertThatThrownBy(() -> other.stat("/home/tenki")).hasMessageContaining("UNAUTHENTICATED");
  }

  @Test
  void aSignalSentRightAfterStartIsNotLost() throws Exception {
    for (int i = 0; i < 20; i++) {
      var run = sb.start("sleep", "30");
      run.signal(RunSignal.Sig.SIG_KILL);
      var r = run.result(20);
      assertThat(r.exit().getSignal()).as("attempt " + i).isEqualTo("SIGKILL");
    }
  }

  @Test
  void backgroundProcessesHoldingTheOutputDoNotHoldTheExit() throws Exception {
    long t0 = System.nanoTime();
    var r = sb.run("sh", "-c", "sleep 30 & echo started");
    assertThat((System.nanoTime() - t0) / 1_000_000).as("ms until exit").isLessThan(5_000);
    assertThat(r.out()).isEqualTo("started\n");
    assertThat(r.code()).isZero();
    assertThat(sb.run("sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '").out())
        .as("the background process keeps running")
        .contains("sleep 30");
  }
}
