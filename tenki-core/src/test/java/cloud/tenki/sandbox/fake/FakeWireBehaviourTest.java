package cloud.tenki.sandbox.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.sandbox.AuthenticationException;
import cloud.tenki.sandbox.ConflictException;
import cloud.tenki.sandbox.CreateSandboxOptions;
import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.SandboxProcess;
import cloud.tenki.sandbox.SandboxState;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.TenkiTimeoutException;
import cloud.tenki.sandbox.UnavailableException;
import io.grpc.Metadata;
import java.io.InputStream;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Behaviour only a fake can provoke: routes that become ready late, a data plane that answers
 * UNIMPLEMENTED at first, credentials that expire or are revoked, slow consumers, tiny stdin
 * windows. Backoff runs on a manual clock, so no test sleeps for it.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class FakeWireBehaviourTest {
  private final ManualClock clock = new ManualClock();
  private final FakeTenki fake = FakeTenki.inProcess(clock);
  private final TenkiClient client =
      TenkiClient.builder()
          .endpoint(fake.endpoint())
          .token("test-token")
          .clock(clock)
          .sleeper(clock)
          .build();

  @AfterEach
  void stop() {
    client.close();
    fake.close();
  }

  private Sandbox create() {
    return client.sandboxes().create(CreateSandboxOptions.builder().build());
  }

  @Test
  void routeNotReadyIsRetriedWithGrowingBackoff() {
    fake.routeNotReady.set(3); // the create reply and two credential calls
    try (Sandbox sb = create()) {
      assertThat(sb.exec("echo", "ok").check().stdoutText()).isEqualTo("ok\n");
    }
    assertThat(fake.calls("CreateSessionCredential")).isEqualTo(3);
    assertThat(clock.sleeps()).containsExactly(Duration.ofMillis(100), Duration.ofMillis(200));
  }

  @Test
  void routeThatNeverBecomesReadyTimesOut() {
    fake.routeNotReady.set(Integer.MAX_VALUE);
    assertThatThrownBy(
            () ->
                client
                    .sandboxes()
                    .create(
                        CreateSandboxOptions.builder().readyTimeout(Duration.ofSeconds(5)).build()))
        .isInstanceOf(TenkiTimeoutException.class)
        .hasMessageContaining("not ready");
    // the half-created sandbox is cleaned up
    assertThat(fake.sessions())
        .allSatisfy(s -> assertThat(s.state().name()).contains("TERMINATED"));
  }

  @Test
  void failedRouteIsTerminal() {
    fake.routeFailed.set(1);
    fake.routeNotReady.set(1);
    assertThatThrownBy(this::create)
        .isInstanceOf(UnavailableException.class)
        .hasMessageContaining("route");
  }

  @Test
  void dataPlaneIsProbedUntilTheRouteIsLive() {
    fake.dataPlaneUnimplemented.set(4);
    try (Sandbox sb = create()) {
      assertThat(clock.sleeps())
          .containsExactly(
              Duration.ofMillis(50),
              Duration.ofMillis(100),
              Duration.ofMillis(150),
              Duration.ofMillis(200));
      assertThat(fake.calls("Stat")).isEqualTo(5);
      assertThat(sb.exec("true").success()).isTrue();
    }
  }

  @Test
  void probeBackoffIsCappedAt750Ms() {
    fake.dataPlaneUnimplemented.set(20);
    try (Sandbox sb = create()) {
      List<Duration> sleeps = clock.sleeps();
      assertThat(sleeps).hasSize(20);
      assertThat(sleeps.get(13)).isEqualTo(Duration.ofMillis(700));
      assertThat(sleeps.subList(14, 20)).allMatch(d -> d.equals(Duration.ofMillis(750)));
    }
  }

  @Test
  void credentialIsRenewedAtHalfLife() {
    fake.credentialTtl = Duration.ofSeconds(60);
    try (Sandbox sb = create()) {
      sb.exec("true");
      int minted = fake.calls("CreateSessionCredential");
      clock.advance(Duration.ofSeconds(25));
      sb.exec("true");
      assertThat(fake.calls("CreateSessionCredential")).isEqualTo(minted);
      clock.advance(Duration.ofSeconds(6)); // past half of 60 s
      sb.exec("true");
      assertThat(fake.calls("CreateSessionCredential")).isEqualTo(minted + 1);
    }
  }

  @Test
  void rejectedCredentialIsReMintedOnceAndTheCallRetried() {
    try (Sandbox sb = create()) {
      sb.fs().writeText("a.txt", "A");
      int minted = fake.calls("CreateSessionCredential");
      fake.revokeCredentials();
      assertThat(sb.fs().readText("a.txt")).isEqualTo("A");
      assertThat(fake.calls("CreateSessionCredential")).isEqualTo(minted + 1);
      fake.revokeCredentials();
      assertThat(sb.exec("echo", "run").stdoutText()).isEqualTo("run\n");
      assertThat(fake.calls("CreateSessionCredential")).isEqualTo(minted + 2);
    }
  }

  @Test
  void headersIdentifyTheClientAndCarryTheRightCredentials() {
    try (Sandbox sb = create()) {
      sb.exec("true");
      Metadata control = fake.lastHeaders("CreateSession");
      assertThat(control.get(key("authorization"))).isEqualTo("Bearer test-token");
      assertThat(control.get(key("x-tenki-client-family"))).isEqualTo("java_sdk");
      assertThat(control.get(key("x-tenki-client-generation"))).isEqualTo("workspace_v1");
      Metadata data = fake.lastHeaders("Run");
      assertThat(data.get(key("x-tenki-session-cert"))).startsWith("cert-");
      assertThat(data.get(key("authorization"))).isNull();
      assertThat(data.get(key("x-tenki-client-family"))).isEqualTo("java_sdk");
    }
  }

  private static Metadata.Key<String> key(String name) {
    return Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER);
  }

  @Test
  void wrongTokenIsAnAuthenticationError() {
    fake.token = "other";
    assertThatThrownBy(this::create)
        .isInstanceOf(AuthenticationException.class)
        .hasMessageNotContaining("test-token");
  }

  @Test
  void sessionCreatedInCreatingStateIsAwaited() {
    fake.createStartsAsCreating = true;
    try (Sandbox sb = create()) {
      assertThat(fake.calls("WaitSession")).isEqualTo(1);
      assertThat(sb.info().state()).isEqualTo(SandboxState.RUNNING);
      assertThat(sb.exec("echo", "up").stdoutText()).isEqualTo("up\n");
    }
  }

  @Test
  void capabilityUnavailableBeforeStartIsAnError() {
    try (Sandbox sb = create()) {
      fake.runCapabilityUnavailable.set(10);
      assertThatThrownBy(() -> sb.exec("true"))
          .isInstanceOf(UnavailableException.class)
          .hasMessageContaining("capability_unavailable");
    }
  }

  @Test
  void pausedSandboxRefusesCommandsUntilResumed() {
    try (Sandbox sb = create()) {
      sb.pause();
      assertThatThrownBy(() -> sb.exec("true")).isInstanceOf(ConflictException.class);
      sb.resume();
      assertThat(sb.exec("echo", "back").stdoutText()).isEqualTo("back\n");
    }
  }

  @Test
  void slowConsumerStopsTheProducerInsteadOfBuffering() throws Exception {
    try (Sandbox sb = create();
        SandboxProcess p = sb.start("head", "-c", Integer.toString(64 << 20), "/dev/zero")) {
      // nobody reads: the sender must stall once the client's bounded pipe is full
      long stable = waitUntilStable();
      assertThat(stable).isLessThan(8L << 20).isGreaterThan(0);
      assertThat(p.isAlive()).isTrue();
      long total = 0;
      byte[] buf = new byte[1 << 16];
      InputStream out = p.stdout();
      int n;
      while ((n = out.read(buf)) >= 0) {
        total += n;
      }
      assertThat(total).isEqualTo(64L << 20);
      assertThat(p.waitFor().success()).isTrue();
    }
  }

  private long waitUntilStable() throws InterruptedException {
    long last = -1;
    int same = 0;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (same < 5 && System.nanoTime() < deadline) {
      Thread.sleep(100);
      long now = fake.outputBytesSent.get();
      // stable only counts once output flows: a command that has not printed yet (a busy
      // machine can take that long to schedule it) has not stalled
      same = now == last && now > 0 ? same + 1 : 0;
      last = now;
    }
    assertThat(same).as("sender never stalled").isEqualTo(5);
    return last;
  }

  @Test
  void tinyStdinWindowIsHonoured() throws Exception {
    fake.stdinWindowBytes = 1000; // the fake fails the stream if the client oversteps it
    byte[] data = new byte[2 * 1024 * 1024];
    new Random(3).nextBytes(data);
    try (Sandbox sb = create();
        SandboxProcess p = sb.start("wc", "-c")) {
      p.writeStdin(data);
      p.closeStdin();
      assertThat(new String(p.stdout().readAllBytes()).strip())
          .isEqualTo(Integer.toString(data.length));
      assertThat(p.waitFor().success()).isTrue();
    }
  }

  @Test
  void safeCallsAreRetriedWithJitteredBackoff() {
    try (Sandbox sb = create()) {
      int before = fake.calls("GetSession");
      fake.failNext("GetSession", io.grpc.Status.UNAVAILABLE, 2);
      assertThat(sb.info().state()).isEqualTo(SandboxState.RUNNING);
      assertThat(fake.calls("GetSession")).isEqualTo(before + 3);
      List<Duration> sleeps = clock.sleeps();
      assertThat(sleeps).hasSize(2);
      assertThat(sleeps.get(0)).isBetween(Duration.ofMillis(50), Duration.ofMillis(100));
      assertThat(sleeps.get(1)).isBetween(Duration.ofMillis(100), Duration.ofMillis(200));

      fake.failNext("GetSession", io.grpc.Status.UNAVAILABLE, 10);
      assertThatThrownBy(sb::info).isInstanceOf(UnavailableException.class);
      assertThat(fake.calls("GetSession")).isEqualTo(before + 3 + 4);
    }
  }

  @Test
  void unsafeCallsAreNotRetried() {
    try (Sandbox sb = create()) {
      fake.failNext("ExtendSession", io.grpc.Status.UNAVAILABLE, 1);
      assertThatThrownBy(() -> sb.extend(Duration.ofMinutes(1)))
          .isInstanceOf(UnavailableException.class);
      assertThat(fake.calls("ExtendSession")).isEqualTo(1);
      fake.failNext("CreateSession", io.grpc.Status.UNAVAILABLE, 1);
      assertThatThrownBy(this::create).isInstanceOf(UnavailableException.class);
      assertThat(fake.calls("CreateSession")).isEqualTo(2);
    }
  }

  @Test
  void serverErrorsCarryTheRequestId() {
    try (Sandbox sb = create()) {
      fake.failNext("GetSession", io.grpc.Status.PERMISSION_DENIED.withDescription("not yours"), 1);
      assertThatThrownBy(sb::info)
          .isInstanceOf(cloud.tenki.sandbox.PermissionDeniedException.class)
          .hasMessageContaining("not yours")
          .satisfies(
              e ->
                  assertThat(((cloud.tenki.sandbox.TenkiException) e).requestId())
                      .contains("req-fake-1"));
      fake.failNext(
          "Run", io.grpc.Status.RESOURCE_EXHAUSTED.withDescription("too many processes"), 1);
      assertThatThrownBy(() -> sb.exec("true"))
          .isInstanceOf(cloud.tenki.sandbox.QuotaExceededException.class)
          .hasMessageContaining("too many processes");
    }
  }

  @Test
  void eachSandboxUsesItsOwnCredentialAndFiles() {
    try (Sandbox a = create();
        Sandbox b = create()) {
      a.exec("true");
      String certA = fake.lastHeaders("Run").get(key("x-tenki-session-cert"));
      b.exec("true");
      String certB = fake.lastHeaders("Run").get(key("x-tenki-session-cert"));
      assertThat(certA).isNotEqualTo(certB);
      a.fs().writeText("only-a.txt", "a");
      assertThat(b.fs().exists("only-a.txt")).isFalse();
      assertThat(a.fs().exists("only-a.txt")).isTrue();
    }
  }

  @Test
  void createWithoutWaitingLetsTheFirstCommandWait() {
    fake.createStartsAsCreating = true;
    try (Sandbox sb =
        client.sandboxes().create(CreateSandboxOptions.builder().waitReady(false).build())) {
      assertThat(fake.calls("WaitSession")).isZero();
      assertThat(sb.exec("echo", "late").check().stdoutText()).isEqualTo("late\n");
      assertThat(fake.calls("WaitSession")).isEqualTo(1);
    }
  }

  @Test
  void probeRejectedForItsCredentialReMintsOnce() {
    try (Sandbox sb = create()) {
      sb.pause();
      sb.resume();
      fake.revokeCredentials(); // the credential the resume wait carried is now rejected
      assertThat(sb.exec("echo", "ok").check().stdoutText()).isEqualTo("ok\n");
    }
  }

  @Test
  @Timeout(value = 40, unit = TimeUnit.SECONDS)
  void commandOutlivingItsTimeoutIsKilledByTheClientWithPartialOutput() throws Exception {
    fake.ignoreRunTimeouts = true;
    try (Sandbox sb = create()) {
      var r =
          sb.exec(
              cloud.tenki.sandbox.ExecOptions.builder("sh", "-c", "echo started; exec sleep 60")
                  .timeout(Duration.ofMillis(300))
                  .build());
      assertThat(r.timedOut()).isTrue();
      assertThat(r.signal()).contains("SIGKILL");
      assertThat(r.stdoutText()).isEqualTo("started\n");
      // the cancelled stream made the fake kill the process
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (!fake.session(sb.id()).runs.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(20);
      }
      assertThat(fake.session(sb.id()).runs).isEmpty();
    }
  }

  @Test
  void signalsAreDeliveredByName() {
    try (Sandbox sb = create()) {
      for (cloud.tenki.sandbox.Signal sig :
          new cloud.tenki.sandbox.Signal[] {
            cloud.tenki.sandbox.Signal.INT,
            cloud.tenki.sandbox.Signal.TERM,
            cloud.tenki.sandbox.Signal.KILL
          }) {
        try (SandboxProcess p = sb.start("sleep", "60")) {
          p.signal(sig);
          var r = p.waitFor(Duration.ofSeconds(20)).orElseThrow();
          assertThat(r.signal()).as(sig.name()).contains("SIG" + sig.name());
          assertThat(r.exitCode()).isEqualTo(-1);
          assertThat(r.success()).isFalse();
        }
      }
    }
  }

  @Test
  void aReadThatFailsAfterItsLastChunkIsAnErrorNotTheWholeFile() throws Exception {
    try (Sandbox sb = create()) {
      sb.fs().writeText("half.txt", "abc");
      fake.readFailsAfterEof = io.grpc.Status.PERMISSION_DENIED.withDescription("denied late");
      assertThatThrownBy(() -> sb.fs().readBytes("half.txt")).hasMessageContaining("denied late");
      assertThatThrownBy(
              () -> {
                try (InputStream in = sb.fs().openRead("half.txt")) {
                  in.readAllBytes();
                }
              })
          .hasMessageContaining("denied late");
      fake.readFailsAfterEof = null;
      assertThat(sb.fs().readText("half.txt")).isEqualTo("abc");
    }
  }
}
