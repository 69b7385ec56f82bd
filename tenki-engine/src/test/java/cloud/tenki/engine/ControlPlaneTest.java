package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.proto.sandbox.v1.*;
import io.grpc.CallOptions;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import java.io.ByteArrayInputStream;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/** Control-plane rpcs and their errors, over the in-process channel. */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ControlPlaneTest {

  private LocalEngine engine;
  private EngineClient client;

  @BeforeAll
  void start() {
    engine = LocalEngine.start();
    client = new EngineClient(engine.endpoint(), "tk_test");
  }

  @AfterAll
  void stop() {
    client.close();
    engine.close();
  }

  private static Status.Code code(Runnable r) {
    try {
      r.run();
      return Status.Code.OK;
    } catch (StatusRuntimeException e) {
      return e.getStatus().getCode();
    }
  }

  @Test
  void unknownSessionsAreNotFound() {
    assertThat(code(() -> client.get("no-such-session"))).isEqualTo(Status.Code.NOT_FOUND);
    assertThat(
            code(
                () ->
                    client.control.pauseSession(
                        PauseSessionRequest.newBuilder().setSessionId("nope").build())))
        .isEqualTo(Status.Code.NOT_FOUND);
    var r =
        client.control.terminateSessions(
            TerminateSessionsRequest.newBuilder().addSessionIds("nope").build());
    assertThat(r.getFailuresList())
        .extracting(TerminateSessionFailure::getSessionId)
        .containsExactly("nope");
  }

  @Test
  void limitsOutOfRangeNameTheField() {
    for (var c :
        List.of(
            new Object[] {CreateSessionRequest.newBuilder().setCpuCores(0), "cpu_cores"},
            new Object[] {CreateSessionRequest.newBuilder().setCpuCores(1000), "cpu_cores"},
            new Object[] {CreateSessionRequest.newBuilder().setMemoryMb(1), "memory_mb"},
            new Object[] {CreateSessionRequest.newBuilder().setDiskSizeGb(100000), "disk_size_gb"},
            new Object[] {
              CreateSessionRequest.newBuilder()
                  .setMaxDuration(com.google.protobuf.Duration.newBuilder().setSeconds(-5)),
              "max_duration"
            },
            new Object[] {
              CreateSessionRequest.newBuilder().setIdleTimeoutMinutes(-1), "idle_timeout_minutes"
            })) {
      assertThatThrownBy(
              () -> client.control.createSession(((CreateSessionRequest.Builder) c[0]).build()))
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
                assertThat(e.getStatus().getDescription()).contains((String) c[1]);
              });
    }
  }

  @Test
  void wrongStateNamesTheState() {
    var sb = client.create();
    sb.terminate();
    assertThatThrownBy(
            () ->
                client.control.extendSession(
                    ExtendSessionRequest.newBuilder()
                        .setSessionId(sb.id)
                        .setAdditionalDuration(
                            com.google.protobuf.Duration.newBuilder().setSeconds(60))
                        .build()))
        .hasMessageContaining("FAILED_PRECONDITION")
        .hasMessageContaining("state=TERMINATED");
    assertThatThrownBy(
            () ->
                client.control.resumeSession(
                    ResumeSessionRequest.newBuilder().setSessionId(sb.id).build()))
        .hasMessageContaining("state=TERMINATED");
    // terminating twice is fine
    assertThat(sb.terminate().getState()).isEqualTo(SessionState.SESSION_STATE_TERMINATED);
  }

  @Test
  void listFiltersAndPages() {
    String tag = "t-" + System.nanoTime();
    List<String> ids = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      ids.add(
          client.create(CreateSessionRequest.newBuilder().addTags(tag).setSticky(i % 2 == 0)).id);
    }
    client.control.terminateSession(
        TerminateSessionRequest.newBuilder().setSessionId(ids.get(4)).build());
    List<String> paged = new ArrayList<>();
    String token = "";
    int pages = 0;
    do {
      var resp =
          client.control.listSessions(
              ListSessionsRequest.newBuilder()
                  .addTags(tag)
                  .setPageSize(2)
                  .setPageToken(token)
                  .build());
      resp.getSessionsList().forEach(s -> paged.add(s.getId()));
      token = resp.getNextPageToken();
      pages++;
    } while (!token.isEmpty());
    assertThat(paged).containsExactlyElementsOf(ids.subList(0, 4));
    assertThat(pages).isEqualTo(2);
    var withTerminated =
        client.control.listSessions(
            ListSessionsRequest.newBuilder().addTags(tag).setIncludeTerminated(true).build());
    assertThat(withTerminated.getSessionsCount()).isEqualTo(5);
    var sticky =
        client.control.listWorkspaceSandboxes(
            ListWorkspaceSandboxesRequest.newBuilder().addTags(tag).setSticky(true).build());
    assertThat(sticky.getSessionsList())
        .extracting(SandboxSession::getId)
        .containsExactly(ids.get(0), ids.get(2));
    var terminated =
        client.control.listWorkspaceSandboxes(
            ListWorkspaceSandboxesRequest.newBuilder()
                .addTags(tag)
                .setState(SessionState.SESSION_STATE_TERMINATED)
                .build());
    assertThat(terminated.getSessionsList())
        .extracting(SandboxSession::getId)
        .containsExactly(ids.get(4));
    assertThat(
            code(
                () ->
                    client.control.listSessions(
                        ListSessionsRequest.newBuilder().setPageToken("garbage!").build())))
        .isEqualTo(Status.Code.INVALID_ARGUMENT);
    client.control.terminateSessions(
        TerminateSessionsRequest.newBuilder().addAllSessionIds(ids).build());
  }

  @Test
  void updateWhoAmIAndActivity() {
    var sb = client.create(CreateSessionRequest.newBuilder().setName("before").addTags("a"));
    var u =
        client.control.updateSession(
            UpdateSessionRequest.newBuilder()
                .setSessionId(sb.id)
                .setName("after")
                .addTags("b")
                .setSticky(true)
                .build());
    assertThat(u.getSession().getName()).isEqualTo("after");
    assertThat(u.getSession().getTagsList()).containsExactly("b");
    assertThat(u.getSession().getSticky()).isTrue();
    var cleared =
        client.control.updateSession(
            UpdateSessionRequest.newBuilder().setSessionId(sb.id).setClearTags(true).build());
    assertThat(cleared.getSession().getTagsList()).isEmpty();
    var who = client.control.whoAmI(WhoAmIRequest.getDefaultInstance());
    assertThat(who.getWorkspacesList()).isNotEmpty();
    var act =
        client.control.reportSessionActivity(
            ReportSessionActivityRequest.newBuilder().setSessionId(sb.id).build());
    assertThat(act.getLastActivityAt().getSeconds()).isPositive();
    sb.terminate();
  }

  @Test
  void legacyExecuteCommand() {
    var sb = client.create();
    var ok =
        client.control.executeCommand(
            ExecuteCommandRequest.newBuilder()
                .setSessionId(sb.id)
                .setCommand("sh")
                .addArgs("-c")
                .addArgs("exit 0")
                .build());
    assertThat(ok.getExecution().getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_SUCCEEDED);
    var failed =
        client.control.executeCommand(
            ExecuteCommandRequest.newBuilder()
                .setSessionId(sb.id)
                .setCommand("sh")
                .addArgs("-c")
                .addArgs("exit 4")
                .build());
    assertThat(failed.getExecution().getExitCode()).isEqualTo(4);
    var slow =
        client.control.executeCommand(
            ExecuteCommandRequest.newBuilder()
                .setSessionId(sb.id)
                .setCommand("sleep")
                .addArgs("30")
                .setTimeout(com.google.protobuf.Duration.newBuilder().setNanos(300_000_000))
                .build());
    assertThat(slow.getExecution().getStatus()).isEqualTo(CommandStatus.COMMAND_STATUS_TIMED_OUT);
    sb.terminate();
  }

  @Test
  void unservedRpcsSaySo() {
    assertThatThrownBy(
            () ->
                client.control.createSession(
                    CreateSessionRequest.newBuilder().setSnapshotId("snap_1").build()))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(e.getStatus().getDescription()).contains("snapshots");
            });
    MethodDescriptor<InputStream, InputStream> unknown =
        MethodDescriptor.<InputStream, InputStream>newBuilder()
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName("tenki.sandbox.v1.SandboxService/NoSuchMethod")
            .setRequestMarshaller(RAW)
            .setResponseMarshaller(RAW)
            .build();
    assertThatThrownBy(
            () ->
                ClientCalls.blockingUnaryCall(
                    client.channel,
                    unknown,
                    CallOptions.DEFAULT,
                    new ByteArrayInputStream(new byte[0])))
        .isInstanceOfSatisfying(
            StatusRuntimeException.class,
            e -> {
              assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
              assertThat(e.getStatus().getDescription())
                  .contains("NoSuchMethod")
                  .contains("local Tenki engine");
            });
  }

  private static final MethodDescriptor.Marshaller<InputStream> RAW =
      new MethodDescriptor.Marshaller<>() {
        @Override
        public InputStream stream(InputStream value) {
          return value;
        }

        @Override
        public InputStream parse(InputStream stream) {
          return stream;
        }
      };

  @Test
  void capacityIsLimitedAndWaitOnUnknownIsNotFound() {
    try (LocalEngine small = LocalEngine.builder().maxRunningSessions(2).start();
        EngineClient c = new EngineClient(small.endpoint(), "tk")) {
      var a = c.create();
      c.create();
      assertThatThrownBy(c::create)
          .isInstanceOfSatisfying(
              StatusRuntimeException.class,
              e -> {
                assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.RESOURCE_EXHAUSTED);
                assertThat(e.getStatus().getDescription()).contains("capacity");
              });
      c.control.pauseSession(PauseSessionRequest.newBuilder().setSessionId(a.id).build());
      assertThat(c.create().created.getSession().getState())
          .isEqualTo(SessionState.SESSION_STATE_RUNNING);
      assertThatThrownBy(
              () ->
                  c.control
                      .waitSession(WaitSessionRequest.newBuilder().setSessionId("nope").build())
                      .hasNext())
          .hasMessageContaining("NOT_FOUND");
    }
  }
}
