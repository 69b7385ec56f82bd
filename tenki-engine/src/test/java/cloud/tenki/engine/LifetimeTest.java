package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.proto.sandbox.v1.*;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.StreamObserver;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Predicate;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** Lifetime rules driven by a hand-moved clock: no test waits for real minutes. */
class LifetimeTest {

  private final MutableClock clock = new MutableClock();
  private LocalEngine engine;
  private EngineClient client;

  @BeforeEach
  void start() {
    engine =
        LocalEngine.builder()
            .clock(clock)
            .lifetimeCheckInterval(Duration.ofMillis(20))
            .credentialTtl(Duration.ofMinutes(10))
            .start();
    client = new EngineClient(engine.endpoint(), "tk_test");
  }

  @AfterEach
  void stop() {
    client.close();
    engine.close();
  }

  private SandboxSession awaitState(String id, Predicate<SandboxSession> p) {
    long deadline = System.nanoTime() + 10_000_000_000L;
    SandboxSession s = client.get(id);
    while (!p.test(s) && System.nanoTime() < deadline) {
      Thread.onSpinWait();
      s = client.get(id);
    }
    return s;
  }

  @Test
  void maxDurationTerminatesAndExtendMovesTheDeadline() {
    var sb = client.create(CreateSessionRequest.newBuilder().setMaxDuration(secs(60)));
    long timeout = sb.created.getSession().getTimeoutAt().getSeconds();
    var extended =
        client.control.extendSession(
            ExtendSessionRequest.newBuilder()
                .setSessionId(sb.id)
                .setAdditionalDuration(secs(120))
                .build());
    assertThat(extended.getSession().getTimeoutAt().getSeconds()).isEqualTo(timeout + 120);
    clock.advance(Duration.ofSeconds(150));
    assertThat(client.get(sb.id).getState()).isEqualTo(SessionState.SESSION_STATE_RUNNING);
    clock.advance(Duration.ofSeconds(40));
    SandboxSession s =
        awaitState(sb.id, x -> x.getState() == SessionState.SESSION_STATE_TERMINATED);
    assertThat(s.getState()).isEqualTo(SessionState.SESSION_STATE_TERMINATED);
    assertThat(s.getTerminalError()).contains("max_duration");
  }

  @Test
  void idleSessionsPauseUnlessStickyOrActive() throws Exception {
    var idle = client.create(CreateSessionRequest.newBuilder().setIdleTimeoutMinutes(5));
    var sticky =
        client.create(CreateSessionRequest.newBuilder().setIdleTimeoutMinutes(5).setSticky(true));
    var active = client.create(CreateSessionRequest.newBuilder().setIdleTimeoutMinutes(5));
    clock.advance(Duration.ofMinutes(4));
    active.run("true");
    client.control.reportSessionActivity(
        ReportSessionActivityRequest.newBuilder().setSessionId(sticky.id).build());
    clock.advance(Duration.ofMinutes(2));
    SandboxSession s = awaitState(idle.id, x -> x.getState() == SessionState.SESSION_STATE_PAUSED);
    assertThat(s.getState()).isEqualTo(SessionState.SESSION_STATE_PAUSED);
    assertThat(client.get(active.id).getState()).isEqualTo(SessionState.SESSION_STATE_RUNNING);
    clock.advance(Duration.ofMinutes(10));
    awaitState(active.id, x -> x.getState() == SessionState.SESSION_STATE_PAUSED);
    assertThat(client.get(active.id).getState()).isEqualTo(SessionState.SESSION_STATE_PAUSED);
    assertThat(client.get(sticky.id).getState()).isEqualTo(SessionState.SESSION_STATE_RUNNING);
  }

  @Test
  void pauseKeepsFilesStopsProcessesAndRetentionDeletes() throws Exception {
    var sb = client.create(CreateSessionRequest.newBuilder().setPauseRetention(secs(600)));
    sb.write("kept.txt", "kept");
    sb.run("sh", "-c", "sleep 600 >/dev/null 2>&1 &");
    List<SessionState> seen = new CopyOnWriteArrayList<>();
    var async =
        SandboxServiceGrpc.newStub(client.channel)
            .withInterceptors(io.grpc.stub.MetadataUtils.newAttachHeadersInterceptor(bearer()));
    async.waitSession(
        WaitSessionRequest.newBuilder().setSessionId(sb.id).build(),
        new StreamObserver<WaitSessionResponse>() {
          @Override
          public void onNext(WaitSessionResponse value) {
            seen.add(value.getSession().getState());
          }

          @Override
          public void onError(Throwable t) {}

          @Override
          public void onCompleted() {}
        });
    long first = System.nanoTime() + 10_000_000_000L;
    while (seen.isEmpty() && System.nanoTime() < first) {
      Thread.onSpinWait();
    }
    var paused =
        client.control.pauseSession(PauseSessionRequest.newBuilder().setSessionId(sb.id).build());
    assertThat(paused.getSession().getState()).isEqualTo(SessionState.SESSION_STATE_PAUSED);
    assertThat(paused.getSession().hasPauseExpiresAt()).isTrue();
    assertThatThrownBy(() -> sb.run("true"))
        .hasCauseInstanceOf(StatusRuntimeException.class)
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("state=PAUSED");
    assertThatThrownBy(() -> sb.stat("/home/tenki"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.FAILED_PRECONDITION);
              assertThat(e.getStatus().getDescription()).contains("state=PAUSED");
            });
    var cred =
        assertThatThrownBy(
            () ->
                client.control.createSessionCredential(
                    CreateSessionCredentialRequest.newBuilder().setSessionId(sb.id).build()));
    cred.hasMessageContaining("state=PAUSED");
    client.control.resumeSession(ResumeSessionRequest.newBuilder().setSessionId(sb.id).build());
    var fresh =
        client.control.createSessionCredential(
            CreateSessionCredentialRequest.newBuilder().setSessionId(sb.id).build());
    var sb2 =
        client
        .new Sandbox(
            CreateSessionResponse.newBuilder()
                .setSession(client.get(sb.id))
                .setCredential(fresh.getCredential())
                .build());
    assertThat(sb2.readText("kept.txt")).isEqualTo("kept");
    assertThat(sb2.run("sh", "-c", "cat /proc/[0-9]*/cmdline | tr '\\0' ' '").out())
        .doesNotContain("sleep 600");
    long deadline = System.nanoTime() + 5_000_000_000L;
    while (seen.size() < 5 && System.nanoTime() < deadline) {
      Thread.onSpinWait();
    }
    assertThat(seen)
        .containsSubsequence(
            SessionState.SESSION_STATE_RUNNING,
            SessionState.SESSION_STATE_PAUSED,
            SessionState.SESSION_STATE_RUNNING);
    client.control.pauseSession(PauseSessionRequest.newBuilder().setSessionId(sb.id).build());
    clock.advance(Duration.ofSeconds(601));
    SandboxSession s =
        awaitState(sb.id, x -> x.getState() == SessionState.SESSION_STATE_TERMINATED);
    assertThat(s.getTerminalError()).contains("pause_retention");
    assertThat(
            Files.exists(engine.stateDir().resolve("sandboxes").resolve(sb.id).resolve("rootfs")))
        .isFalse();
  }

  @Test
  void credentialsExpire() {
    var sb = client.create();
    assertThat(sb.stat("/home/tenki").getIsDir()).isTrue();
    clock.advance(Duration.ofMinutes(11));
    assertThatThrownBy(() -> sb.stat("/home/tenki"))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNAUTHENTICATED));
  }

  private static com.google.protobuf.Duration secs(long s) {
    return com.google.protobuf.Duration.newBuilder().setSeconds(s).build();
  }

  private static io.grpc.Metadata bearer() {
    io.grpc.Metadata md = new io.grpc.Metadata();
    md.put(EngineClient.AUTH, "Bearer tk_test");
    return md;
  }

  @Test
  void restartBringsRunningSessionsBackPaused() throws Exception {
    Path dir = Files.createTempDirectory(Path.of("/tmp"), "tenki-restart-");
    String id;
    try (LocalEngine first = LocalEngine.builder().stateDir(dir).start();
        EngineClient c1 = new EngineClient(first.endpoint(), "tk_test")) {
      var sb = c1.create(CreateSessionRequest.newBuilder().addTags("keep").setName("named"));
      id = sb.id;
      sb.write("data/file.txt", "survives");
    }
    try (LocalEngine second = LocalEngine.builder().stateDir(dir).deleteStateOnClose(true).start();
        EngineClient c2 = new EngineClient(second.endpoint(), "tk_test")) {
      SandboxSession s = c2.get(id);
      assertThat(s.getState()).isEqualTo(SessionState.SESSION_STATE_PAUSED);
      assertThat(s.getName()).isEqualTo("named");
      assertThat(s.getTagsList()).containsExactly("keep");
      c2.control.resumeSession(ResumeSessionRequest.newBuilder().setSessionId(id).build());
      var cred =
          c2.control.createSessionCredential(
              CreateSessionCredentialRequest.newBuilder().setSessionId(id).build());
      var sb =
          c2
          .new Sandbox(
              CreateSessionResponse.newBuilder()
                  .setSession(c2.get(id))
                  .setCredential(cred.getCredential())
                  .build());
      assertThat(sb.readText("data/file.txt")).isEqualTo("survives");
      assertThat(sb.run("cat", "data/file.txt").out()).isEqualTo("survives");
    }
    assertThat(Files.exists(dir)).isFalse();
  }

  @Test
  void terminatedSessionsAreForgottenAfterADay() {
    var sb = client.create();
    sb.terminate();
    assertThat(client.get(sb.id).getState()).isEqualTo(SessionState.SESSION_STATE_TERMINATED);
    clock.advance(Duration.ofHours(25));
    long deadline = System.nanoTime() + 10_000_000_000L;
    Status.Code code = Status.Code.OK;
    while (code == Status.Code.OK && System.nanoTime() < deadline) {
      try {
        client.get(sb.id);
      } catch (StatusRuntimeException e) {
        code = e.getStatus().getCode();
      }
    }
    assertThat(code).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(Files.exists(engine.stateDir().resolve("sandboxes").resolve(sb.id))).isFalse();
  }
}
