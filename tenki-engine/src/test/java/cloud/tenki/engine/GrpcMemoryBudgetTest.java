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
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceGrpc;
import io.grpc.ManagedChannel;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The memory budget seen from gRPC clients of the network endpoint (and one in-process client): a
 * 32 MiB budget, files of 4 and 12 MiB (charged 8 and 24 MiB). After every test the budget must be
 * whole again, whatever the calls did: succeed, fail, wait, get cancelled mid-transfer, or lose
 * their client.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class GrpcMemoryBudgetTest {

  private static final int WAIT = 1;

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

  @Test
  void successfulReadsAndWritesReturnEverything() throws Exception {
    byte[] got = sb.data.readFile(readRequest(sb, "f4")).getResponse().getContent().toByteArray();
    assertThat(sha256(got)).isEqualTo(sha4);
    awaitAllFree(engine.budget());

    byte[] data = random(4 * MIB);
    sb.data.writeFile(writeRequest(sb, "w4", data));
    assertThat(sb.run("sha256sum", "w4").out()).startsWith(sha256(data));
    awaitAllFree(engine.budget());

    try (EngineClient local = new EngineClient(engine.inProcessEndpoint(), "tk_budget")) {
      var stub =
          SandboxSessionDataPlaneServiceGrpc.newBlockingStub(local.channel)
              .withInterceptors(EngineClient.certInterceptor(sb.credential));
      byte[] viaInProcess =
          stub.readFile(readRequest(sb, "f4")).getResponse().getContent().toByteArray();
      assertThat(sha256(viaInProcess)).isEqualTo(sha4);
    }
  }

  @Test
  void failingCallsReturnEverything() {
    assertThat(codeOf(() -> sb.data.readFile(readRequest(sb, "missing"))))
        .isEqualTo(Status.Code.NOT_FOUND);
    assertThat(codeOf(() -> sb.data.readFile(readRequest(sb, "locked"))))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    // charged on arrival, refused by the sandbox's read-only /usr
    assertThat(codeOf(() -> sb.data.writeFile(writeRequest(sb, "/usr/w4", random(4 * MIB)))))
        .isEqualTo(Status.Code.PERMISSION_DENIED);
    // /dev/zero says it is empty, so its buffer grows charge by charge until the budget says no
    assertThat(codeOf(() -> sb.data.readFile(readRequest(sb, "/dev/zero"))))
        .isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
  }

  @Test
  void longListingsAreChargedAndHugeDirectoriesRefused() throws Exception {
    // 10,000 names of 100 characters: about 1.3 MiB of listing, charged while the reply is built
    // and sent; 20,000 of 250: about 5.5 MiB, whose entries would take more than the whole budget
    var made =
        sb.run(
            "sh",
            "-c",
            "mkdir long wide huge && (cd long && seq -f '%0100g' 1 10000 | xargs touch)"
                + " && (cd wide && seq -f '%0250g' 1 20000 | xargs touch)"
                + " && (cd huge && seq 1 100001 | xargs touch)");
    assertThat(made.code()).as(made.err()).isZero();
    assertThat(sb.list("long", false)).hasSize(10_000);
    awaitAllFree(engine.budget());
    StatusRuntimeException wide =
        catchThrowableOfType(StatusRuntimeException.class, () -> sb.list("wide", false));
    assertThat(wide.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(wide.getStatus().getDescription()).contains("whole budget");
    StatusRuntimeException huge =
        catchThrowableOfType(StatusRuntimeException.class, () -> sb.list("huge", false));
    assertThat(huge.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(huge.getStatus().getDescription())
        .isEqualTo(
            "/home/tenki/huge has too many entries to list in one reply (more than 100000, or"
                + " over 16 MiB of names); list it with a command such as ls or find");
  }

  @Test
  void aCallLargerThanTheWholeBudgetFailsAtOnce() {
    StatusRuntimeException write =
        catchThrowableOfType(
            StatusRuntimeException.class,
            () -> sb.data.writeFile(writeRequest(sb, "w20", random(20 * MIB))));
    assertThat(write.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(write.getStatus().getDescription()).contains("whole budget");
    StatusRuntimeException read =
        catchThrowableOfType(
            StatusRuntimeException.class, () -> sb.data.readFile(readRequest(sb, "f20")));
    assertThat(read.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
    assertThat(read.getStatus().getDescription()).contains("whole budget").doesNotContain("/tmp");
  }

  @Test
  void whileTheBudgetIsFullLargeCallsWaitThenAreRefusedAndSmallOnesPass() throws Exception {
    ManagedChannel slow = slowChannel(engine.endpoint());
    try {
      BudgetCalls.StalledRead holder = stalledRead(slow, sb, "f12");
      holder.headers().get(30, TimeUnit.SECONDS);
      awaitCharged(engine.budget(), 24L * MIB);
      StatusRuntimeException refused =
          catchThrowableOfType(
              StatusRuntimeException.class, () -> sb.data.readFile(readRequest(sb, "f12")));
      assertThat(refused.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
      assertThat(refused.getStatus().getDescription()).contains("busy with other large transfers");
      // exempt: a small file and a command never wait for the budget
      sb.write("small.txt", "hello");
      assertThat(sb.readText("small.txt")).isEqualTo("hello");
      assertThat(sb.run("echo", "ok").out()).isEqualTo("ok\n");
      holder.call().cancel("test is done", null);
      assertThat(holder.closed().get(30, TimeUnit.SECONDS).getCode())
          .isEqualTo(Status.Code.CANCELLED);
    } finally {
      slow.shutdownNow();
    }
  }

  @Test
  void aReplyCancelledMidTransferReturnsEverything() throws Exception {
    ManagedChannel slow = slowChannel(engine.endpoint());
    try {
      BudgetCalls.StalledRead r = stalledRead(slow, sb, "f12");
      r.headers().get(30, TimeUnit.SECONDS);
      awaitCharged(engine.budget(), 24L * MIB);
      r.call().cancel("changed my mind", null);
      awaitAllFree(engine.budget());
    } finally {
      slow.shutdownNow();
    }
  }

  @Test
  void aClientThatDisconnectsMidReplyReturnsEverything() throws Exception {
    ManagedChannel slow = slowChannel(engine.endpoint());
    BudgetCalls.StalledRead r = stalledRead(slow, sb, "f12");
    r.headers().get(30, TimeUnit.SECONDS);
    awaitCharged(engine.budget(), 24L * MIB);
    slow.shutdownNow();
    awaitAllFree(engine.budget());
  }

  @Test
  void aCallCancelledWhileWaitingForRoomTakesNothing() throws Exception {
    ManagedChannel slow = slowChannel(engine.endpoint());
    try {
      BudgetCalls.StalledRead holder = stalledRead(slow, sb, "f12");
      holder.headers().get(30, TimeUnit.SECONDS);
      awaitCharged(engine.budget(), 24L * MIB);
      long held = engine.budget().capacity() - engine.budget().available();
      assertThat(
              codeOf(
                  () ->
                      sb.data
                          .withDeadlineAfter(300, TimeUnit.MILLISECONDS)
                          .readFile(readRequest(sb, "f12"))))
          .isEqualTo(Status.Code.DEADLINE_EXCEEDED);
      holder.call().cancel("done", null);
      awaitAllFree(engine.budget());
      assertThat(held).isEqualTo(24L * MIB);
      // the abandoned wait left nothing behind: the same read now goes through
      byte[] got =
          sb.data.readFile(readRequest(sb, "f12")).getResponse().getContent().toByteArray();
      assertThat(got).hasSize(12 * MIB);
    } finally {
      slow.shutdownNow();
    }
  }
}
