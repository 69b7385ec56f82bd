package cloud.tenki.sandbox.fake;

import cloud.tenki.proto.sandbox.v1.*;
import com.google.protobuf.Duration;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;

/** The fake {@code SandboxService}: sessions, lifetime, ports, preview URLs, volumes. */
final class FakeControlPlane extends SandboxServiceGrpc.SandboxServiceImplBase {
  private final FakeTenki fake;
  private final Map<String, PreviewUrl> previewUrls = new ConcurrentHashMap<>();
  private final Map<String, Volume> volumes = new ConcurrentHashMap<>();
  private final Map<String, VolumeAttachment> attachments = new ConcurrentHashMap<>();

  FakeControlPlane(FakeTenki fake) {
    this.fake = fake;
  }

  private Timestamp now() {
    return ts(fake.clock.instant());
  }

  static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  static Instant instant(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private FakeSession find(String id) {
    FakeSession s = fake.sessions.get(id);
    if (s == null) {
      throw Status.NOT_FOUND.withDescription("session " + id + " not found").asRuntimeException();
    }
    return s;
  }

  private static <T> void reply(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }

  @Override
  public void createSession(CreateSessionRequest r, StreamObserver<CreateSessionResponse> out) {
    if (r.hasCpuCores() && (r.getCpuCores() < 1 || r.getCpuCores() > 64)) {
      throw Status.INVALID_ARGUMENT.withDescription("cpu_cores out of range").asRuntimeException();
    }
    if (r.hasMemoryMb() && (r.getMemoryMb() < 128 || r.getMemoryMb() > 262144)) {
      throw Status.INVALID_ARGUMENT.withDescription("memory_mb out of range").asRuntimeException();
    }
    String id = fake.newId("sbx");
    Path home;
    try {
      home = Files.createDirectories(fake.root.resolve(id)).toRealPath();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    Instant now = fake.clock.instant();
    long maxSeconds = r.hasMaxDuration() ? r.getMaxDuration().getSeconds() : 3600;
    boolean creating = fake.createStartsAsCreating;
    SandboxSession.Builder b =
        SandboxSession.newBuilder()
            .setId(id)
            .setState(
                creating ? SessionState.SESSION_STATE_CREATING : SessionState.SESSION_STATE_RUNNING)
            .setOwnerType("user")
            .setOwnerId("user_fake")
            .setCreatedAt(ts(now))
            .setTimeoutAt(ts(now.plusSeconds(maxSeconds)))
            .setCpuCores(r.hasCpuCores() ? r.getCpuCores() : 2)
            .setMemoryMb(r.hasMemoryMb() ? r.getMemoryMb() : 4096)
            .putAllMetadata(r.getMetadataMap())
            .setWorkspaceId(r.hasWorkspaceId() ? r.getWorkspaceId() : "ws_fake")
            .setProjectId(r.hasProjectId() ? r.getProjectId() : "")
            .setName(r.getName())
            .addAllTags(r.getTagsList())
            .setSticky(r.getSticky())
            .setOutboundEnabled(!r.hasAllowOutbound() || r.getAllowOutbound())
            .setInboundEnabled(!r.hasAllowInbound() || r.getAllowInbound());
    if (!creating) {
      b.setReadyAt(ts(now));
    }
    if (r.hasIdleTimeoutMinutes()) {
      b.setIdleTimeoutMinutes(r.getIdleTimeoutMinutes());
    }
    if (r.hasPauseRetention()) {
      b.setPauseRetention(r.getPauseRetention());
    }
    FakeSession s = new FakeSession(id, home, r.getEnvMap(), b.build());
    fake.sessions.put(id, s);
    CreateSessionResponse.Builder resp = CreateSessionResponse.newBuilder().setSession(s.proto);
    if (!creating) {
      route(s, resp::setDataPlaneEndpoint, resp::setCredential, resp::setRouteStatus);
    }
    reply(out, resp.build());
  }

  /** Fills endpoint, credential and route status, honouring the not-ready and failed knobs. */
  private void route(
      FakeSession s,
      java.util.function.Consumer<String> endpoint,
      java.util.function.Consumer<SessionCredential> credential,
      java.util.function.Consumer<DataPlaneRouteStatus> status) {
    if (fake.routeFailed.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      status.accept(DataPlaneRouteStatus.DATA_PLANE_ROUTE_STATUS_FAILED);
      return;
    }
    if (fake.routeNotReady.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      status.accept(DataPlaneRouteStatus.DATA_PLANE_ROUTE_STATUS_NOT_READY);
      return;
    }
    String cred = "cert-" + UUID.randomUUID();
    Instant expires = fake.clock.instant().plus(fake.credentialTtl);
    fake.credentials.put(cred, new FakeTenki.Credential(s.id, expires));
    endpoint.accept(fake.dataPlaneEndpoint());
    credential.accept(
        SessionCredential.newBuilder().setCredential(cred).setExpiresAt(ts(expires)).build());
    status.accept(DataPlaneRouteStatus.DATA_PLANE_ROUTE_STATUS_VERIFIED);
  }

  @Override
  public void createSessionCredential(
      CreateSessionCredentialRequest r, StreamObserver<CreateSessionCredentialResponse> out) {
    FakeSession s = find(r.getSessionId());
    if (s.state() == SessionState.SESSION_STATE_TERMINATED) {
      throw Status.FAILED_PRECONDITION.withDescription("session terminated").asRuntimeException();
    }
    CreateSessionCredentialResponse.Builder b = CreateSessionCredentialResponse.newBuilder();
    route(s, b::setDataPlaneEndpoint, b::setCredential, b::setRouteStatus);
    reply(out, b.build());
  }

  @Override
  public void getSession(GetSessionRequest r, StreamObserver<GetSessionResponse> out) {
    reply(out, GetSessionResponse.newBuilder().setSession(find(r.getSessionId()).proto).build());
  }

  @Override
  public void waitSession(WaitSessionRequest r, StreamObserver<WaitSessionResponse> out) {
    FakeSession s = find(r.getSessionId());
    out.onNext(WaitSessionResponse.newBuilder().setSession(s.proto).build());
    if (s.state() == SessionState.SESSION_STATE_CREATING
        || s.state() == SessionState.SESSION_STATE_RESUMING) {
      s.update(b -> b.setState(SessionState.SESSION_STATE_RUNNING).setReadyAt(now()));
    }
    WaitSessionResponse.Builder last = WaitSessionResponse.newBuilder();
    if (s.state() == SessionState.SESSION_STATE_RUNNING) {
      route(s, last::setDataPlaneEndpoint, last::setCredential, last::setRouteStatus);
    }
    reply(out, last.setSession(s.proto).build());
  }

  private List<SandboxSession> filter(
      boolean includeTerminated, List<String> tags, Boolean sticky, String workspace) {
    return fake.sessions.values().stream()
        .map(FakeSession::proto)
        .filter(p -> includeTerminated || p.getState() != SessionState.SESSION_STATE_TERMINATED)
        .filter(p -> p.getTagsList().containsAll(tags))
        .filter(p -> sticky == null || p.getSticky() == sticky)
        .filter(p -> workspace == null || p.getWorkspaceId().equals(workspace))
        .sorted(Comparator.comparing(SandboxSession::getId))
        .toList();
  }

  private static <T> List<T> page(List<T> all, int size, String token, StringBuilder next) {
    int from = token.isEmpty() ? 0 : Integer.parseInt(token);
    int n = size <= 0 ? 50 : size;
    int to = Math.min(all.size(), from + n);
    if (to < all.size()) {
      next.append(to);
    }
    return all.subList(from, to);
  }

  @Override
  public void listSessions(ListSessionsRequest r, StreamObserver<ListSessionsResponse> out) {
    List<SandboxSession> all =
        filter(
            r.getIncludeTerminated(), r.getTagsList(), r.hasSticky() ? r.getSticky() : null, null);
    StringBuilder next = new StringBuilder();
    List<SandboxSession> page = page(all, r.getPageSize(), r.getPageToken(), next);
    reply(
        out,
        ListSessionsResponse.newBuilder()
            .addAllSessions(page)
            .setNextPageToken(next.toString())
            .build());
  }

  @Override
  public void listWorkspaceSandboxes(
      ListWorkspaceSandboxesRequest r, StreamObserver<ListWorkspaceSandboxesResponse> out) {
    List<SandboxSession> all =
        filter(
            r.getIncludeTerminated(),
            r.getTagsList(),
            r.hasSticky() ? r.getSticky() : null,
            r.getWorkspaceId());
    StringBuilder next = new StringBuilder();
    List<SandboxSession> page = page(all, r.getPageSize(), r.getPageToken(), next);
    reply(
        out,
        ListWorkspaceSandboxesResponse.newBuilder()
            .addAllSessions(page)
            .setNextPageToken(next.toString())
            .build());
  }

  @Override
  public void updateSession(UpdateSessionRequest r, StreamObserver<UpdateSessionResponse> out) {
    FakeSession s = find(r.getSessionId());
    s.update(
        b -> {
          if (r.hasName()) {
            b.setName(r.getName());
          }
          if (r.getClearTags()) {
            b.clearTags();
          }
          if (r.getTagsCount() > 0) {
            b.clearTags().addAllTags(r.getTagsList());
          }
          if (r.hasSticky()) {
            b.setSticky(r.getSticky());
          }
          if (r.hasMaxDuration()) {
            b.setTimeoutAt(
                ts(instant(b.getCreatedAt()).plusSeconds(r.getMaxDuration().getSeconds())));
          }
          return b;
        });
    reply(out, UpdateSessionResponse.newBuilder().setSession(s.proto).build());
  }

  private FakeSession requireState(String id, SessionState wanted, String action) {
    FakeSession s = find(id);
    if (s.state() != wanted) {
      throw Status.FAILED_PRECONDITION
          .withDescription("cannot " + action + " a session in state " + s.state())
          .asRuntimeException();
    }
    return s;
  }

  @Override
  public void pauseSession(PauseSessionRequest r, StreamObserver<PauseSessionResponse> out) {
    FakeSession s = requireState(r.getSessionId(), SessionState.SESSION_STATE_RUNNING, "pause");
    s.runs.forEach(FakeRun::kill);
    fake.credentials.values().removeIf(c -> c.sessionId().equals(s.id));
    s.update(b -> b.setState(SessionState.SESSION_STATE_PAUSED).setPausedAt(now()));
    reply(out, PauseSessionResponse.newBuilder().setSession(s.proto).build());
  }

  @Override
  public void resumeSession(ResumeSessionRequest r, StreamObserver<ResumeSessionResponse> out) {
    FakeSession s = requireState(r.getSessionId(), SessionState.SESSION_STATE_PAUSED, "resume");
    // resuming takes a moment: WaitSession reports RUNNING
    s.update(b -> b.setState(SessionState.SESSION_STATE_RESUMING).clearPausedAt());
    reply(out, ResumeSessionResponse.newBuilder().setSession(s.proto).build());
  }

  @Override
  public void terminateSession(
      TerminateSessionRequest r, StreamObserver<TerminateSessionResponse> out) {
    FakeSession s = find(r.getSessionId());
    s.runs.forEach(FakeRun::kill);
    fake.credentials.values().removeIf(c -> c.sessionId().equals(s.id));
    s.update(b -> b.setState(SessionState.SESSION_STATE_TERMINATED).setTerminatedAt(now()));
    FakeTenki.deleteTree(s.home);
    reply(out, TerminateSessionResponse.newBuilder().setSession(s.proto).build());
  }

  @Override
  public void extendSession(ExtendSessionRequest r, StreamObserver<ExtendSessionResponse> out) {
    FakeSession s = requireState(r.getSessionId(), SessionState.SESSION_STATE_RUNNING, "extend");
    Duration d = r.getAdditionalDuration();
    s.update(
        b ->
            b.setTimeoutAt(
                ts(instant(b.getTimeoutAt()).plusSeconds(d.getSeconds()).plusNanos(d.getNanos()))));
    reply(out, ExtendSessionResponse.newBuilder().setSession(s.proto).build());
  }

  @Override
  public void exposePort(ExposePortRequest r, StreamObserver<ExposePortResponse> out) {
    FakeSession s = requireState(r.getSessionId(), SessionState.SESSION_STATE_RUNNING, "expose");
    if (r.getPort() < 1 || r.getPort() > 65535) {
      throw Status.INVALID_ARGUMENT.withDescription("port out of range").asRuntimeException();
    }
    String slug = r.hasSlug() ? r.getSlug() : s.id + "-" + r.getPort();
    PortExposure.Builder p =
        PortExposure.newBuilder()
            .setPort(r.getPort())
            .setPreviewUrl("https://" + slug + ".preview.fake.test")
            .setSlug(slug)
            .setPreviewUrlId("pv_" + slug);
    if (r.hasExpiresAt()) {
      p.setExpiresAt(r.getExpiresAt());
    }
    s.ports.put(r.getPort(), p.build());
    ExposePortResponse.Builder resp =
        ExposePortResponse.newBuilder()
            .setPort(r.getPort())
            .setHostAddress("127.0.0.1")
            .setPreviewUrl(p.getPreviewUrl())
            .setSlug(slug)
            .setPreviewUrlId(p.getPreviewUrlId());
    if (r.hasExpiresAt()) {
      resp.setExpiresAt(r.getExpiresAt());
    }
    reply(out, resp.build());
  }

  @Override
  public void unexposePort(UnexposePortRequest r, StreamObserver<UnexposePortResponse> out) {
    FakeSession s = find(r.getSessionId());
    if (s.ports.remove(r.getPort()) == null) {
      throw Status.NOT_FOUND.withDescription("port not exposed").asRuntimeException();
    }
    reply(out, UnexposePortResponse.getDefaultInstance());
  }

  @Override
  public void listExposedPorts(
      ListExposedPortsRequest r, StreamObserver<ListExposedPortsResponse> out) {
    FakeSession s = find(r.getSessionId());
    reply(out, ListExposedPortsResponse.newBuilder().addAllPorts(s.ports.values()).build());
  }

  @Override
  public void updateSSHAuthorizedKeys(
      UpdateSSHAuthorizedKeysRequest r, StreamObserver<UpdateSSHAuthorizedKeysResponse> out) {
    FakeSession s = find(r.getSessionId());
    s.authorizedKeys.clear();
    s.authorizedKeys.addAll(r.getSshAuthorizedKeysList());
    reply(out, UpdateSSHAuthorizedKeysResponse.getDefaultInstance());
  }

  // ------------------------------------------------------------------ preview URLs

  @Override
  public void createPreviewUrl(
      CreatePreviewUrlRequest r, StreamObserver<CreatePreviewUrlResponse> out) {
    if (previewUrls.values().stream().anyMatch(p -> p.getSlug().equals(r.getSlug()))) {
      throw Status.ALREADY_EXISTS.withDescription("slug taken").asRuntimeException();
    }
    PreviewUrl.Builder p =
        PreviewUrl.newBuilder()
            .setId(fake.newId("pv"))
            .setSlug(r.getSlug())
            .setProjectId(r.getProjectId())
            .setWorkspaceId(r.hasWorkspaceId() ? r.getWorkspaceId() : "ws_fake")
            .setPreviewUrl("https://" + r.getSlug() + ".preview.fake.test")
            .setCreatedAt(now());
    if (r.hasSessionId()) {
      find(r.getSessionId());
      p.setSessionId(r.getSessionId());
    }
    if (r.hasPort()) {
      p.setPort(r.getPort());
    }
    previewUrls.put(p.getId(), p.build());
    reply(out, CreatePreviewUrlResponse.newBuilder().setPreviewUrl(p).build());
  }

  private PreviewUrl preview(String id) {
    PreviewUrl p = previewUrls.get(id);
    if (p == null) {
      throw Status.NOT_FOUND.withDescription("preview url not found").asRuntimeException();
    }
    return p;
  }

  @Override
  public void getPreviewUrl(GetPreviewUrlRequest r, StreamObserver<GetPreviewUrlResponse> out) {
    PreviewUrl p =
        r.hasSlug()
            ? previewUrls.values().stream()
                .filter(x -> x.getSlug().equals(r.getSlug()))
                .findFirst()
                .orElseThrow(() -> Status.NOT_FOUND.asRuntimeException())
            : preview(r.getPreviewUrlId());
    reply(out, GetPreviewUrlResponse.newBuilder().setPreviewUrl(p).build());
  }

  @Override
  public void listPreviewUrls(
      ListPreviewUrlsRequest r, StreamObserver<ListPreviewUrlsResponse> out) {
    List<PreviewUrl> all =
        previewUrls.values().stream()
            .filter(p -> !r.hasWorkspaceId() || p.getWorkspaceId().equals(r.getWorkspaceId()))
            .sorted(Comparator.comparing(PreviewUrl::getId))
            .toList();
    StringBuilder next = new StringBuilder();
    List<PreviewUrl> page = page(all, r.getPageSize(), r.getPageToken(), next);
    reply(
        out,
        ListPreviewUrlsResponse.newBuilder()
            .addAllPreviewUrls(page)
            .setNextPageToken(next.toString())
            .build());
  }

  @Override
  public void bindPreviewUrl(BindPreviewUrlRequest r, StreamObserver<BindPreviewUrlResponse> out) {
    PreviewUrl p =
        preview(r.getPreviewUrlId()).toBuilder()
            .setSessionId(find(r.getSessionId()).id)
            .setPort(r.getPort())
            .build();
    previewUrls.put(p.getId(), p);
    reply(out, BindPreviewUrlResponse.newBuilder().setPreviewUrl(p).build());
  }

  @Override
  public void unbindPreviewUrl(
      UnbindPreviewUrlRequest r, StreamObserver<UnbindPreviewUrlResponse> out) {
    PreviewUrl p = preview(r.getPreviewUrlId()).toBuilder().clearSessionId().clearPort().build();
    previewUrls.put(p.getId(), p);
    reply(out, UnbindPreviewUrlResponse.newBuilder().setPreviewUrl(p).build());
  }

  @Override
  public void deletePreviewUrl(
      DeletePreviewUrlRequest r, StreamObserver<DeletePreviewUrlResponse> out) {
    if (previewUrls.remove(r.getPreviewUrlId()) == null) {
      throw Status.NOT_FOUND.withDescription("preview url not found").asRuntimeException();
    }
    reply(out, DeletePreviewUrlResponse.getDefaultInstance());
  }

  // ------------------------------------------------------------------ volumes

  private Volume volume(String id) {
    Volume v = volumes.get(id);
    if (v == null) {
      throw Status.NOT_FOUND.withDescription("volume " + id + " not found").asRuntimeException();
    }
    return v;
  }

  @Override
  public void createVolume(CreateVolumeRequest r, StreamObserver<CreateVolumeResponse> out) {
    if (r.getSizeBytes() <= 0) {
      throw Status.INVALID_ARGUMENT.withDescription("size_bytes must be > 0").asRuntimeException();
    }
    Volume v =
        Volume.newBuilder()
            .setId(fake.newId("vol"))
            .setWorkspaceId(r.getWorkspaceId())
            .setName(r.getName())
            .setSizeBytes(r.getSizeBytes())
            .setState(VolumeState.VOLUME_STATE_AVAILABLE)
            .setProjectId(r.getProjectId())
            .setCreatedAt(fake.clock.instant().toString())
            .build();
    volumes.put(v.getId(), v);
    reply(out, CreateVolumeResponse.newBuilder().setVolume(v).build());
  }

  @Override
  public void getVolume(GetVolumeRequest r, StreamObserver<GetVolumeResponse> out) {
    reply(out, GetVolumeResponse.newBuilder().setVolume(volume(r.getVolumeId())).build());
  }

  @Override
  public void listVolumes(ListVolumesRequest r, StreamObserver<ListVolumesResponse> out) {
    List<Volume> all =
        volumes.values().stream()
            .filter(v -> v.getWorkspaceId().equals(r.getWorkspaceId()))
            .sorted(Comparator.comparing(Volume::getId))
            .toList();
    StringBuilder next = new StringBuilder();
    List<Volume> page =
        page(all, r.getPageSize() == 0 ? 2 : r.getPageSize(), r.getPageToken(), next);
    reply(
        out,
        ListVolumesResponse.newBuilder()
            .addAllVolumes(page)
            .setNextPageToken(next.toString())
            .build());
  }

  @Override
  public void updateVolume(UpdateVolumeRequest r, StreamObserver<UpdateVolumeResponse> out) {
    Volume.Builder b = volume(r.getVolumeId()).toBuilder();
    if (r.hasName()) {
      b.setName(r.getName());
    }
    if (r.getClearTags()) {
      b.clearTags();
    }
    if (r.getTagsCount() > 0) {
      b.clearTags().addAllTags(r.getTagsList());
    }
    volumes.put(b.getId(), b.build());
    reply(out, UpdateVolumeResponse.newBuilder().setVolume(b).build());
  }

  @Override
  public void deleteVolume(DeleteVolumeRequest r, StreamObserver<DeleteVolumeResponse> out) {
    Volume v = volume(r.getVolumeId());
    if (v.getState() == VolumeState.VOLUME_STATE_IN_USE) {
      throw Status.FAILED_PRECONDITION.withDescription("volume is attached").asRuntimeException();
    }
    volumes.remove(v.getId());
    reply(out, DeleteVolumeResponse.getDefaultInstance());
  }

  @Override
  public void resizeVolume(ResizeVolumeRequest r, StreamObserver<ResizeVolumeResponse> out) {
    Volume v = volume(r.getVolumeId());
    if (r.getNewSizeBytes() < v.getSizeBytes()) {
      throw Status.INVALID_ARGUMENT.withDescription("volumes only grow").asRuntimeException();
    }
    Volume resized = v.toBuilder().setSizeBytes(r.getNewSizeBytes()).build();
    volumes.put(v.getId(), resized);
    reply(out, ResizeVolumeResponse.newBuilder().setVolume(resized).build());
  }

  @Override
  public void attachVolume(AttachVolumeRequest r, StreamObserver<AttachVolumeResponse> out) {
    find(r.getSessionId());
    Volume v = volume(r.getVolume().getVolumeId());
    VolumeAttachment a =
        VolumeAttachment.newBuilder()
            .setId(fake.newId("att"))
            .setVolumeId(v.getId())
            .setSessionId(r.getSessionId())
            .setMountPath(r.getVolume().getMountPath())
            .setReadonly(r.getVolume().getReadonly())
            .setState("ATTACHED")
            .build();
    attachments.put(r.getSessionId() + "/" + v.getId(), a);
    volumes.put(v.getId(), v.toBuilder().setState(VolumeState.VOLUME_STATE_IN_USE).build());
    reply(out, AttachVolumeResponse.newBuilder().setAttachment(a).build());
  }

  @Override
  public void detachVolume(DetachVolumeRequest r, StreamObserver<DetachVolumeResponse> out) {
    if (attachments.remove(r.getSessionId() + "/" + r.getVolumeId()) == null) {
      throw Status.NOT_FOUND.withDescription("not attached").asRuntimeException();
    }
    Volume v = volume(r.getVolumeId());
    volumes.put(v.getId(), v.toBuilder().setState(VolumeState.VOLUME_STATE_AVAILABLE).build());
    reply(out, DetachVolumeResponse.getDefaultInstance());
  }
}
