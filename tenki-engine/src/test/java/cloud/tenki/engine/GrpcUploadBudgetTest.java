package cloud.tenki.engine;

import static cloud.tenki.engine.BudgetCalls.MIB;
import static cloud.tenki.engine.BudgetCalls.codeOf;
import static cloud.tenki.engine.BudgetCalls.random;
import static cloud.tenki.engine.BudgetCalls.readRequest;
import static cloud.tenki.engine.BudgetCalls.sha256;
import static cloud.tenki.engine.BudgetCalls.slowChannel;
import static cloud.tenki.engine.BudgetCalls.stalledRead;
import static cloud.tenki.engine.BudgetCalls.writeRequest;
import static cloud.tenki.engine.BudgetWatch.awaitAllFree;
import static cloud.tenki.engine.BudgetWatch.awaitCharged;
import static cloud.tenki.engine.BudgetWatch.awaitWaiting;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileStreamRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileStreamResponse;
import cloud.tenki.proto.sandbox.v1.WriteFileStreamRequest;
import cloud.tenki.proto.sandbox.v1.WriteFileStreamStart;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.SequenceInputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * Large request messages and the memory budget over gRPC: an upload cut off mid-message, a stream
 * of large frames (each returned once the handler asks for the next), uploads waiting for room
 * beside small calls on the same HTTP/2 connection, and an engine closed under load. A 32 MiB
 * budget; the budget must be whole again after every test.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class GrpcUploadBudgetTest {

  private static final int WAIT = 3;

  private BudgetEngine fixture;
  private LocalEngine engine;
  private EngineClient client;
  private EngineClient.Sandbox sb;
  private String sha4;

  @BeforeAll
  void start() throws Exception {
    fixture = BudgetEngine.start(Duration.ofSeconds(WAIT));
    engine = fixture.engine;
    client = fixture.client;
    sb = fixture.sb;
    sha4 = fixture.sha4;
  }

  @AfterAll
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @AfterEach
  void everythingWasReturned() {
    awaitAllFree(engine.budget());
  }

  /**
   * Starts a gRPC WriteFile over HTTP/2 whose 5-byte prefix announces 12 MiB, sends its first MiB
   * and then waits until {@code giveUp} opens, when the upload fails on the client's side.
   */
  private CompletableFuture<HttpResponse<Void>> stalledUpload(String cert, CountDownLatch giveUp)
      throws Exception {
    HttpClient h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
    // the first request upgrades the connection to HTTP/2; the upload then shares it
    h2.send(
        HttpRequest.newBuilder(URI.create(engine.endpoint() + "/")).build(),
        HttpResponse.BodyHandlers.discarding());
    byte[] start = ByteBuffer.allocate(5 + MIB).put((byte) 0).putInt(12 * MIB).array();
    InputStream body =
        new SequenceInputStream(
            new ByteArrayInputStream(start),
            new InputStream() {
              @Override
              public int read() throws IOException {
                try {
                  giveUp.await(60, TimeUnit.SECONDS);
                } catch (InterruptedException e) {
                  Thread.currentThread().interrupt();
                }
                throw new IOException("the client gave up");
              }
            });
    return h2.sendAsync(
        HttpRequest.newBuilder(
                URI.create(
                    engine.endpoint()
                        + "/tenki.sandbox.v1.SandboxSessionDataPlaneService/WriteFile"))
            .header("content-type", "application/grpc")
            .header("x-tenki-session-cert", cert)
            .POST(HttpRequest.BodyPublishers.ofInputStream(() -> body))
            .build(),
        HttpResponse.BodyHandlers.discarding());
  }

  @Test
  void anUploadAbortedMidMessageReturnsEverything() throws Exception {
    CountDownLatch giveUp = new CountDownLatch(1);
    CompletableFuture<HttpResponse<Void>> upload = stalledUpload(sb.credential, giveUp);
    try {
      awaitCharged(engine.budget(), 24L * MIB);
    } finally {
      giveUp.countDown();
    }
    awaitAllFree(engine.budget());
    upload.handle((r, t) -> null).get(30, TimeUnit.SECONDS);
  }

  @Test
  void anUploadWithoutALiveCredentialHoldsNothingWhileItStalls() throws Exception {
    // gRPC over HTTP/1.1, where the refusal can be read while the body is still open
    try (RawHttp raw =
        new RawHttp(
            engine.endpoint(),
            "/tenki.sandbox.v1.SandboxSessionDataPlaneService/WriteFile",
            5L + 12 * MIB,
            "Content-Type",
            "application/grpc",
            "x-tenki-session-cert",
            "tkc_made_up")) {
      // the refusal comes when the call starts, before a byte of the body was read
      RawHttp.Reply refused = raw.reply();
      assertThat(refused.head()).containsIgnoringCase("grpc-status: 16"); // UNAUTHENTICATED
      try {
        // a 12 MiB message announced, 1 MiB of it sent, the rest held back
        raw.send(ByteBuffer.allocate(5 + MIB).put((byte) 0).putInt(12 * MIB).array());
      } catch (java.io.IOException e) {
        // the engine may already have closed the connection it refused
      }
      // nothing of the announced message may be charged, whether or not the engine still reads
      awaitAllFree(engine.budget());
    }
  }

  @Test
  void largeFramesOfAStreamAreReturnedOneByOne() throws Exception {
    // three 12 MiB frames (24 MiB each when charged) fit a 32 MiB budget only one at a time
    byte[] data = random(36 * MIB);
    CompletableFuture<Long> done = new CompletableFuture<>();
    var req =
        sb.async.writeFileStream(
            new StreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamResponse>() {
              @Override
              public void onNext(SandboxSessionDataPlaneServiceWriteFileStreamResponse v) {
                done.complete(v.getResponse().getBytesWritten());
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
                            .setPath("s36")
                            .setTruncate(true)))
            .build());
    for (int off = 0; off < data.length; off += 12 * MIB) {
      req.onNext(
          SandboxSessionDataPlaneServiceWriteFileStreamRequest.newBuilder()
              .setFrame(
                  WriteFileStreamRequest.newBuilder()
                      .setData(ByteString.copyFrom(data, off, 12 * MIB)))
              .build());
    }
    req.onCompleted();
    assertThat(done.get(60, TimeUnit.SECONDS)).isEqualTo(data.length);
    assertThat(sb.run("sha256sum", "s36").out()).startsWith(sha256(data));
  }

  @Test
  void uploadsWaitingForRoomDoNotHoldUpSmallCallsOnTheirConnection() throws Exception {
    ManagedChannel slow = slowChannel(engine.endpoint());
    try {
      BudgetCalls.StalledRead holder = stalledRead(slow, sb, "f12");
      holder.headers().get(30, TimeUnit.SECONDS);
      awaitCharged(engine.budget(), 24L * MIB);
      // three uploads on the shared connection wait for room; what they sent so far sits unread
      List<CompletableFuture<Status.Code>> uploads = new ArrayList<>();
      for (int i = 0; i < 3; i++) {
        String path = "queued" + i;
        uploads.add(
            CompletableFuture.supplyAsync(
                () -> codeOf(() -> sb.data.writeFile(writeRequest(sb, path, random(8 * MIB))))));
      }
      awaitWaiting(engine.budget(), 3);
      assertThat(sb.run("echo", "not held up").out()).isEqualTo("not held up\n");
      assertThat(sb.stat("f4").getSize()).isEqualTo(4 * MIB);
      // answered while the uploads still wait: the small calls did not queue behind them
      assertThat(uploads).noneMatch(CompletableFuture::isDone);
      holder.call().cancel("done", null);
      for (CompletableFuture<Status.Code> u : uploads) {
        assertThat(u.get(30, TimeUnit.SECONDS))
            .isIn(Status.Code.OK, Status.Code.RESOURCE_EXHAUSTED);
      }
    } finally {
      slow.shutdownNow();
    }
  }

  @Test
  void closingTheEngineReturnsEverythingAndEndsWaitingCalls() throws Exception {
    LocalEngine own =
        LocalEngine.builder()
            .listen("127.0.0.1", 0)
            .token("tk_budget")
            .memoryBudget(32L * MIB)
            .memoryBudgetWait(Duration.ofSeconds(50))
            .start();
    ManagedChannel slow = slowChannel(own.endpoint());
    try (EngineClient c = new EngineClient(own.endpoint(), "tk_budget")) {
      EngineClient.Sandbox s = c.create();
      assertThat(s.run("sh", "-c", "head -c 12582912 /dev/zero > f12").code()).isZero();
      stalledRead(slow, s, "f12");
      awaitCharged(own.budget(), 24L * MIB);
      CompletableFuture<Status.Code> waiter =
          CompletableFuture.supplyAsync(() -> codeOf(() -> s.data.readFile(readRequest(s, "f12"))));
      // the second read is inside the engine, waiting for room (24 of 32 MiB are held)
      awaitWaiting(own.budget(), 1);
      own.close();
      awaitAllFree(own.budget());
      assertThat(waiter.get(30, TimeUnit.SECONDS)).isNotEqualTo(Status.Code.OK);
    } finally {
      slow.shutdownNow();
      own.close();
    }
  }
}
