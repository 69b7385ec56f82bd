package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.ReadFileRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceGrpc;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceReadFileRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileStreamRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileStreamResponse;
import cloud.tenki.proto.sandbox.v1.WriteFileRequest;
import cloud.tenki.proto.sandbox.v1.WriteFileStreamRequest;
import cloud.tenki.proto.sandbox.v1.WriteFileStreamStart;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Many concurrent whole-file ReadFile and WriteFile calls of 40 MiB each against a standalone
 * engine with a 256 MiB heap, over the real HTTP/2 endpoint with a grpc-java client. Each call
 * either succeeds with the right content or is refused with RESOURCE_EXHAUSTED; the engine never
 * runs out of memory and still answers afterwards.
 */
@Timeout(100)
class LargeTransferStressTest {

  private static final int SIZE = 40 * 1024 * 1024;
  private static final int READERS = 8;
  private static final int WRITERS = 8;
  private static final int CHANNELS = 4;

  private final List<AutoCloseable> open = new ArrayList<>();

  @AfterEach
  void cleanUp() throws Exception {
    for (int i = open.size() - 1; i >= 0; i--) {
      open.get(i).close();
    }
  }

  private <T extends AutoCloseable> T keep(T c) {
    open.add(c);
    return c;
  }

  @Test
  void concurrentLargeCallsEitherSucceedOrAreRefusedAndTheEngineSurvives() throws Exception {
    StandaloneEngine engine = keep(StandaloneEngine.start(List.of("-Xmx256m")));
    // half of a 256 MiB heap is under the floor: one 64 MiB message, charged twice
    assertThat(engine.awaitLog("memory budget=")).contains("memory budget=128 MiB");
    EngineClient client = keep(new EngineClient(engine.endpoint(), "tk_test"));
    EngineClient.Sandbox sb = client.create();
    byte[] content = new byte[SIZE];
    new Random(42).nextBytes(content);
    String sha = sha256(content);
    writeStream(sb, "big.bin", content);

    List<ManagedChannel> channels = new ArrayList<>();
    for (int i = 0; i < CHANNELS; i++) {
      ManagedChannel ch = EngineClient.channel(engine.endpoint());
      channels.add(ch);
      keep(ch::shutdownNow);
    }
    ExecutorService pool = Executors.newFixedThreadPool(READERS + WRITERS);
    keep(pool::shutdownNow);
    CountDownLatch go = new CountDownLatch(1);
    List<Future<Outcome>> calls = new ArrayList<>();
    ByteString payload = ByteString.copyFrom(content);
    for (int i = 0; i < READERS + WRITERS; i++) {
      var stub =
          SandboxSessionDataPlaneServiceGrpc.newBlockingStub(channels.get(i % CHANNELS))
              .withInterceptors(EngineClient.certInterceptor(sb.credential))
              .withDeadlineAfter(45, TimeUnit.SECONDS);
      boolean reader = i < READERS;
      String path = reader ? "big.bin" : "w-" + i + ".bin";
      calls.add(
          pool.submit(
              () -> {
                go.await();
                try {
                  if (reader) {
                    ByteString got =
                        stub.readFile(
                                SandboxSessionDataPlaneServiceReadFileRequest.newBuilder()
                                    .setRequest(
                                        ReadFileRequest.newBuilder()
                                            .setSessionId(sb.id)
                                            .setPath(path))
                                    .build())
                            .getResponse()
                            .getContent();
                    return new Outcome(true, path, null, sha256(got.toByteArray()));
                  }
                  stub.writeFile(
                      SandboxSessionDataPlaneServiceWriteFileRequest.newBuilder()
                          .setRequest(
                              WriteFileRequest.newBuilder()
                                  .setSessionId(sb.id)
                                  .setPath(path)
                                  .setContent(payload))
                          .build());
                  return new Outcome(false, path, null, null);
                } catch (StatusRuntimeException e) {
                  return new Outcome(reader, path, e.getStatus(), null);
                }
              }));
    }
    go.countDown();

    int succeeded = 0;
    int refused = 0;
    List<String> unexpected = new ArrayList<>();
    for (Future<Outcome> f : calls) {
      Outcome o = f.get(60, TimeUnit.SECONDS);
      if (o.status() == null) {
        succeeded++;
        String got = o.reader() ? o.sha() : sb.run("sha256sum", o.path()).out().split(" ")[0];
        assertThat(got).as("content of " + o.path()).isEqualTo(sha);
      } else if (o.status().getCode() != Status.Code.RESOURCE_EXHAUSTED) {
        unexpected.add(o.path() + ": " + o.status());
      } else {
        refused++;
        assertThat(o.status().getDescription()).contains("busy").doesNotContain("/tmp");
      }
    }
    System.err.printf(
        "%d large calls: %d succeeded, %d refused with RESOURCE_EXHAUSTED%n",
        calls.size(), succeeded, refused);
    assertThat(unexpected).as("calls that failed other than with RESOURCE_EXHAUSTED").isEmpty();
    assertThat(succeeded).as("calls that succeeded").isGreaterThan(0);
    assertThat(engine.isAlive()).as("engine process alive").isTrue();
    assertThat(sb.run("echo", "still here").out()).isEqualTo("still here\n");
    assertThat(engine.log()).doesNotContain("OutOfMemoryError");
  }

  private record Outcome(boolean reader, String path, Status status, String sha) {}

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static void writeStream(EngineClient.Sandbox sb, String path, byte[] data)
      throws Exception {
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamRequest> req =
        sb.async.writeFileStream(
            new StreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamResponse>() {
              @Override
              public void onNext(SandboxSessionDataPlaneServiceWriteFileStreamResponse value) {}

              @Override
              public void onError(Throwable t) {
                done.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {
                done.complete(null);
              }
            });
    req.onNext(
        SandboxSessionDataPlaneServiceWriteFileStreamRequest.newBuilder()
            .setFrame(
                WriteFileStreamRequest.newBuilder()
                    .setStart(
                        WriteFileStreamStart.newBuilder()
                            .setSessionId(sb.id)
                            .setPath(path)
                            .setTruncate(true)))
            .build());
    for (int off = 0; off < data.length; off += 256 * 1024) {
      req.onNext(
          SandboxSessionDataPlaneServiceWriteFileStreamRequest.newBuilder()
              .setFrame(
                  WriteFileStreamRequest.newBuilder()
                      .setData(
                          ByteString.copyFrom(data, off, Math.min(256 * 1024, data.length - off))))
              .build());
    }
    req.onCompleted();
    done.get(60, TimeUnit.SECONDS);
  }

  @Test
  void theFlagSetsTheBudgetInForce() throws Exception {
    StandaloneEngine engine =
        keep(StandaloneEngine.start(List.of("-Xmx256m"), "--memory-budget-mb", "64"));
    assertThat(engine.awaitLog("memory budget=")).contains("memory budget=64 MiB");
    EngineClient client = keep(new EngineClient(engine.endpoint(), "tk_test"));
    EngineClient.Sandbox sb = client.create();
    assertThat(sb.run("sh", "-c", "head -c 41943040 /dev/zero > big.bin").code()).isZero();
    // 40 MiB charged twice is more than 64 MiB: refused before it is read
    StatusRuntimeException e =
        org.assertj.core.api.Assertions.catchThrowableOfType(
            StatusRuntimeException.class, () -> sb.read("big.bin"));
    assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(e.getStatus().getDescription()).contains("needs 80 MiB").contains("(64 MiB)");
    assertThat(sb.run("sh", "-c", "head -c 20971520 /dev/zero > mid.bin").code()).isZero();
    assertThat(sb.read("mid.bin")).hasSize(20 * 1024 * 1024);
  }
}
