package cloud.tenki.engine.service;

import cloud.tenki.engine.session.Credentials;
import cloud.tenki.engine.session.Session;
import cloud.tenki.engine.session.SessionManager;
import cloud.tenki.proto.sandbox.v1.*;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.util.List;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The control plane: sessions and their lifetime. Unserved rpcs are masked by {@link Unserved}.
 * Thread-safe; all state lives in {@link SessionManager}.
 */
public final class ControlPlaneService extends SandboxServiceGrpc.SandboxServiceImplBase {

  private final SessionManager sessions;
  private final Supplier<String> endpoint;
  private final LegacyExec legacy;
  private final PreviewRpcs previews;
  private final VolumeRpcs volumes;

  /**
   * @param endpoint the engine's own endpoint, returned as every session's data-plane endpoint
   */
  public ControlPlaneService(
      SessionManager sessions,
      Supplier<String> endpoint,
      cloud.tenki.engine.preview.PreviewRegistry previews,
      cloud.tenki.engine.volume.VolumeManager volumes) {
    this.sessions = sessions;
    this.endpoint = endpoint;
    this.legacy = new LegacyExec(sessions);
    this.previews = new PreviewRpcs(previews);
    this.volumes = new VolumeRpcs(volumes);
  }

  @Override
  public void createVolume(CreateVolumeRequest req, StreamObserver<CreateVolumeResponse> out) {
    Calls.unary(out, () -> volumes.create(req));
  }

  @Override
  public void getVolume(GetVolumeRequest req, StreamObserver<GetVolumeResponse> out) {
    Calls.unary(out, () -> volumes.get(req));
  }

  @Override
  public void listVolumes(ListVolumesRequest req, StreamObserver<ListVolumesResponse> out) {
    Calls.unary(out, () -> volumes.list(req));
  }

  @Override
  public void updateVolume(UpdateVolumeRequest req, StreamObserver<UpdateVolumeResponse> out) {
    Calls.unary(out, () -> volumes.update(req));
  }

  @Override
  public void deleteVolume(DeleteVolumeRequest req, StreamObserver<DeleteVolumeResponse> out) {
    Calls.unary(out, () -> volumes.delete(req));
  }

  @Override
  public void resizeVolume(ResizeVolumeRequest req, StreamObserver<ResizeVolumeResponse> out) {
    Calls.unary(out, () -> volumes.resize(req));
  }

  @Override
  public void attachVolume(AttachVolumeRequest req, StreamObserver<AttachVolumeResponse> out) {
    Calls.unary(out, () -> volumes.attach(req));
  }

  @Override
  public void detachVolume(DetachVolumeRequest req, StreamObserver<DetachVolumeResponse> out) {
    Calls.unary(out, () -> volumes.detach(req));
  }

  @Override
  public void exposePort(ExposePortRequest req, StreamObserver<ExposePortResponse> out) {
    Calls.unary(out, () -> previews.expose(req));
  }

  @Override
  public void unexposePort(UnexposePortRequest req, StreamObserver<UnexposePortResponse> out) {
    Calls.unary(out, () -> previews.unexpose(req));
  }

  @Override
  public void listExposedPorts(
      ListExposedPortsRequest req, StreamObserver<ListExposedPortsResponse> out) {
    Calls.unary(out, () -> previews.exposed(req));
  }

  @Override
  public void createPreviewUrl(
      CreatePreviewUrlRequest req, StreamObserver<CreatePreviewUrlResponse> out) {
    Calls.unary(out, () -> previews.create(req));
  }

  @Override
  public void getPreviewUrl(GetPreviewUrlRequest req, StreamObserver<GetPreviewUrlResponse> out) {
    Calls.unary(out, () -> previews.get(req));
  }

  @Override
  public void listPreviewUrls(
      ListPreviewUrlsRequest req, StreamObserver<ListPreviewUrlsResponse> out) {
    Calls.unary(out, () -> previews.list(req));
  }

  @Override
  public void bindPreviewUrl(
      BindPreviewUrlRequest req, StreamObserver<BindPreviewUrlResponse> out) {
    Calls.unary(out, () -> previews.bind(req));
  }

  @Override
  public void unbindPreviewUrl(
      UnbindPreviewUrlRequest req, StreamObserver<UnbindPreviewUrlResponse> out) {
    Calls.unary(out, () -> previews.unbind(req));
  }

  @Override
  public void deletePreviewUrl(
      DeletePreviewUrlRequest req, StreamObserver<DeletePreviewUrlResponse> out) {
    Calls.unary(out, () -> previews.delete(req));
  }

  @Override
  public void createSession(CreateSessionRequest req, StreamObserver<CreateSessionResponse> out) {
    Calls.unary(
        out,
        () -> {
          Session s = sessions.create(req);
          Credentials.Minted c = sessions.credentials().mint(s.id());
          return CreateSessionResponse.newBuilder()
              .setSession(sessions.view(s))
              .setDataPlaneEndpoint(endpoint.get())
              .setCredential(credential(c))
              .setRouteStatus(DataPlaneRouteStatus.DATA_PLANE_ROUTE_STATUS_VERIFIED)
              .build();
        });
  }

  @Override
  public void createSessionCredential(
      CreateSessionCredentialRequest req, StreamObserver<CreateSessionCredentialResponse> out) {
    Calls.unary(
        out,
        () -> {
          Session s = sessions.get(req.getSessionId());
          s.requireRunning();
          return CreateSessionCredentialResponse.newBuilder()
              .setCredential(credential(sessions.credentials().mint(s.id())))
              .setDataPlaneEndpoint(endpoint.get())
              .setRouteStatus(DataPlaneRouteStatus.DATA_PLANE_ROUTE_STATUS_VERIFIED)
              .build();
        });
  }

  private static SessionCredential credential(Credentials.Minted c) {
    return SessionCredential.newBuilder()
        .setCredential(c.token())
        .setExpiresAt(
            Timestamp.newBuilder()
                .setSeconds(c.expiresAt().getEpochSecond())
                .setNanos(c.expiresAt().getNano()))
        .build();
  }

  @Override
  public void getSession(GetSessionRequest req, StreamObserver<GetSessionResponse> out) {
    Calls.unary(
        out,
        () ->
            GetSessionResponse.newBuilder()
                .setSession(sessions.view(sessions.get(req.getSessionId())))
                .build());
  }

  @Override
  public void waitSession(WaitSessionRequest req, StreamObserver<WaitSessionResponse> out) {
    Session s;
    try {
      s = sessions.get(req.getSessionId());
    } catch (RuntimeException e) {
      out.onError(Calls.toStatus(e));
      return;
    }
    ServerCallStreamObserver<WaitSessionResponse> call =
        (ServerCallStreamObserver<WaitSessionResponse>) out;
    Object lock = new Object();
    boolean[] done = {false};
    Consumer<SandboxSession> listener =
        snapshot -> {
          synchronized (lock) {
            if (done[0] || call.isCancelled()) {
              return;
            }
            call.onNext(waitResponse(s, snapshot));
            if (snapshot.getState() == SessionState.SESSION_STATE_TERMINATED) {
              done[0] = true;
              call.onCompleted();
            }
          }
        };
    call.setOnCancelHandler(
        () -> {
          synchronized (lock) {
            done[0] = true;
          }
          s.removeListener(listener);
        });
    // state changes fire under the session's lock: holding it here, no change can slip between
    // the first snapshot and the listener, nor reach the client before that snapshot
    synchronized (s) {
      s.addListener(listener);
      listener.accept(sessions.view(s));
    }
    synchronized (lock) {
      if (done[0]) {
        s.removeListener(listener);
      }
    }
  }

  private WaitSessionResponse waitResponse(Session s, SandboxSession snapshot) {
    WaitSessionResponse.Builder b = WaitSessionResponse.newBuilder().setSession(snapshot);
    if (snapshot.getState() == SessionState.SESSION_STATE_RUNNING) {
      b.setDataPlaneEndpoint(endpoint.get())
          .setCredential(credential(sessions.credentials().mint(s.id())))
          .setRouteStatus(DataPlaneRouteStatus.DATA_PLANE_ROUTE_STATUS_VERIFIED);
    }
    return b.build();
  }

  @Override
  public void listSessions(ListSessionsRequest req, StreamObserver<ListSessionsResponse> out) {
    Calls.unary(
        out,
        () -> {
          SessionQuery.Page page =
              SessionQuery.page(
                  sessions,
                  req.getIncludeTerminated(),
                  req.getTagsList(),
                  req.hasSticky() ? req.getSticky() : null,
                  SessionState.SESSION_STATE_UNSPECIFIED,
                  req.getPageSize(),
                  req.getPageToken());
          return ListSessionsResponse.newBuilder()
              .addAllSessions(page.sessions())
              .setNextPageToken(page.nextToken())
              .build();
        });
  }

  @Override
  public void listWorkspaceSandboxes(
      ListWorkspaceSandboxesRequest req, StreamObserver<ListWorkspaceSandboxesResponse> out) {
    Calls.unary(
        out,
        () -> {
          SessionQuery.Page page =
              SessionQuery.page(
                  sessions,
                  req.getIncludeTerminated(),
                  req.getTagsList(),
                  req.hasSticky() ? req.getSticky() : null,
                  req.getState(),
                  req.getPageSize(),
                  req.getPageToken());
          return ListWorkspaceSandboxesResponse.newBuilder()
              .addAllSessions(page.sessions())
              .setNextPageToken(page.nextToken())
              .build();
        });
  }

  @Override
  public void updateSession(UpdateSessionRequest req, StreamObserver<UpdateSessionResponse> out) {
    Calls.unary(
        out,
        () -> {
          Duration max = null;
          if (req.hasMaxDuration()) {
            max =
                Duration.ofSeconds(
                    req.getMaxDuration().getSeconds(), req.getMaxDuration().getNanos());
            if (max.isNegative() || max.isZero()) {
              throw Status.INVALID_ARGUMENT
                  .withDescription("max_duration must be positive")
                  .asRuntimeException();
            }
          }
          Session s =
              sessions.update(
                  req.getSessionId(),
                  req.hasName() ? req.getName() : null,
                  req.getTagsList(),
                  req.getClearTags(),
                  req.hasSticky() ? req.getSticky() : null,
                  max);
          return UpdateSessionResponse.newBuilder().setSession(sessions.view(s)).build();
        });
  }

  @Override
  public void pauseSession(PauseSessionRequest req, StreamObserver<PauseSessionResponse> out) {
    Calls.unary(
        out,
        () ->
            PauseSessionResponse.newBuilder()
                .setSession(sessions.view(sessions.pause(req.getSessionId())))
                .build());
  }

  @Override
  public void resumeSession(ResumeSessionRequest req, StreamObserver<ResumeSessionResponse> out) {
    Calls.unary(
        out,
        () ->
            ResumeSessionResponse.newBuilder()
                .setSession(sessions.view(sessions.resume(req.getSessionId())))
                .build());
  }

  @Override
  public void terminateSession(
      TerminateSessionRequest req, StreamObserver<TerminateSessionResponse> out) {
    Calls.unary(
        out,
        () ->
            TerminateSessionResponse.newBuilder()
                .setSession(sessions.view(sessions.terminate(req.getSessionId())))
                .build());
  }

  @Override
  public void terminateSessions(
      TerminateSessionsRequest req, StreamObserver<TerminateSessionsResponse> out) {
    Calls.unary(
        out,
        () -> {
          TerminateSessionsResponse.Builder b = TerminateSessionsResponse.newBuilder();
          for (String id : req.getSessionIdsList()) {
            try {
              b.addSessions(sessions.view(sessions.terminate(id)));
            } catch (RuntimeException e) {
              b.addFailures(
                  TerminateSessionFailure.newBuilder()
                      .setSessionId(id)
                      .setMessage(Calls.toStatus(e).getStatus().getDescription()));
            }
          }
          return b.build();
        });
  }

  @Override
  public void extendSession(ExtendSessionRequest req, StreamObserver<ExtendSessionResponse> out) {
    Calls.unary(
        out,
        () -> {
          com.google.protobuf.Duration d = req.getAdditionalDuration();
          Session s =
              sessions.extend(req.getSessionId(), Duration.ofSeconds(d.getSeconds(), d.getNanos()));
          return ExtendSessionResponse.newBuilder().setSession(sessions.view(s)).build();
        });
  }

  @Override
  public void reportSessionActivity(
      ReportSessionActivityRequest req, StreamObserver<ReportSessionActivityResponse> out) {
    Calls.unary(
        out,
        () -> {
          Session s = sessions.get(req.getSessionId());
          var at = sessions.touch(s);
          return ReportSessionActivityResponse.newBuilder()
              .setLastActivityAt(
                  Timestamp.newBuilder().setSeconds(at.getEpochSecond()).setNanos(at.getNano()))
              .build();
        });
  }

  @Override
  public void whoAmI(WhoAmIRequest req, StreamObserver<WhoAmIResponse> out) {
    Calls.unary(
        out,
        () ->
            WhoAmIResponse.newBuilder()
                .setOwnerType("USER")
                .setOwnerId("local")
                .addAllWorkspaces(
                    List.of(
                        WhoAmIWorkspace.newBuilder()
                            .setWorkspaceId("local")
                            .setName("local engine")
                            .build()))
                .build());
  }

  @Override
  public void updateSSHAuthorizedKeys(
      UpdateSSHAuthorizedKeysRequest req, StreamObserver<UpdateSSHAuthorizedKeysResponse> out) {
    Calls.unary(
        out,
        () -> {
          sessions.updateSshKeys(req.getSessionId(), req.getSshAuthorizedKeysList());
          return UpdateSSHAuthorizedKeysResponse.getDefaultInstance();
        });
  }

  @Override
  public void executeCommand(
      ExecuteCommandRequest req, StreamObserver<ExecuteCommandResponse> out) {
    Calls.unary(out, () -> legacy.execute(req));
  }
}
