package cloud.tenki.sandbox.internal.mapper;

import cloud.tenki.proto.sandbox.v1.CreateSessionRequest;
import cloud.tenki.proto.sandbox.v1.ExposePortResponse;
import cloud.tenki.proto.sandbox.v1.IssueSandboxSSHCertResponse;
import cloud.tenki.proto.sandbox.v1.ListEntry;
import cloud.tenki.proto.sandbox.v1.PortExposure;
import cloud.tenki.proto.sandbox.v1.RunExit;
import cloud.tenki.proto.sandbox.v1.RunSignal;
import cloud.tenki.proto.sandbox.v1.SandboxSession;
import cloud.tenki.proto.sandbox.v1.SessionState;
import cloud.tenki.proto.sandbox.v1.StatResponse;
import cloud.tenki.proto.sandbox.v1.UpdateSessionRequest;
import cloud.tenki.proto.sandbox.v1.VolumeState;
import cloud.tenki.sandbox.CreateSandboxOptions;
import cloud.tenki.sandbox.ExecResult;
import cloud.tenki.sandbox.FileEntry;
import cloud.tenki.sandbox.FileStat;
import cloud.tenki.sandbox.Preview;
import cloud.tenki.sandbox.PreviewUrl;
import cloud.tenki.sandbox.SandboxInfo;
import cloud.tenki.sandbox.SandboxState;
import cloud.tenki.sandbox.Signal;
import cloud.tenki.sandbox.SshCertificate;
import cloud.tenki.sandbox.UpdateSandboxOptions;
import cloud.tenki.sandbox.Volume;
import cloud.tenki.sandbox.VolumeAttachment;
import com.google.protobuf.Timestamp;
import java.time.Duration;
import java.time.Instant;
import java.util.Locale;
import java.util.Optional;

/** The one place protobuf messages become SDK values and back. */
public final class WireMapper {
  private WireMapper() {}

  public static com.google.protobuf.Duration toProto(Duration d) {
    return com.google.protobuf.Duration.newBuilder()
        .setSeconds(d.getSeconds())
        .setNanos(d.getNano())
        .build();
  }

  public static Duration fromProto(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  public static Timestamp toProto(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }

  public static Instant fromProto(Timestamp t) {
    return Instant.ofEpochSecond(t.getSeconds(), t.getNanos());
  }

  private static Optional<Instant> instant(boolean has, Timestamp t) {
    return has ? Optional.of(fromProto(t)) : Optional.empty();
  }

  public static SandboxState state(SessionState s) {
    return switch (s) {
      case SESSION_STATE_CREATING -> SandboxState.CREATING;
      case SESSION_STATE_RUNNING -> SandboxState.RUNNING;
      case SESSION_STATE_PAUSING -> SandboxState.PAUSING;
      case SESSION_STATE_PAUSED -> SandboxState.PAUSED;
      case SESSION_STATE_RESUMING -> SandboxState.RESUMING;
      case SESSION_STATE_TERMINATING -> SandboxState.TERMINATING;
      case SESSION_STATE_TERMINATED -> SandboxState.TERMINATED;
      case SESSION_STATE_USER_SHUTDOWN -> SandboxState.USER_SHUTDOWN;
      default -> SandboxState.UNKNOWN;
    };
  }

  public static SandboxInfo info(SandboxSession s) {
    return new SandboxInfo(
        s.getId(),
        state(s.getState()),
        s.getName(),
        s.getWorkspaceId(),
        s.getProjectId(),
        s.getCpuCores(),
        s.getMemoryMb(),
        s.getSticky(),
        s.getInboundEnabled(),
        s.getOutboundEnabled(),
        s.hasIdleTimeoutMinutes() ? Optional.of(s.getIdleTimeoutMinutes()) : Optional.empty(),
        s.hasPauseRetention() ? Optional.of(fromProto(s.getPauseRetention())) : Optional.empty(),
        instant(s.hasCreatedAt(), s.getCreatedAt()),
        instant(s.hasReadyAt(), s.getReadyAt()),
        instant(s.hasTimeoutAt(), s.getTimeoutAt()),
        instant(s.hasPausedAt(), s.getPausedAt()),
        instant(s.hasTerminatedAt(), s.getTerminatedAt()),
        instant(s.hasLastActivityAt(), s.getLastActivityAt()),
        s.getMetadataMap(),
        s.getTagsList(),
        s.getTerminalError());
  }

  public static CreateSessionRequest createRequest(CreateSandboxOptions o) {
    CreateSessionRequest.Builder b = CreateSessionRequest.newBuilder();
    o.projectId().ifPresent(b::setProjectId);
    o.workspaceId().ifPresent(b::setWorkspaceId);
    o.cpuCores().ifPresent(b::setCpuCores);
    o.memoryMb().ifPresent(b::setMemoryMb);
    o.diskSizeGb().ifPresent(b::setDiskSizeGb);
    o.idleTimeoutMinutes().ifPresent(b::setIdleTimeoutMinutes);
    o.maxDuration().ifPresent(d -> b.setMaxDuration(toProto(d)));
    o.pauseRetention().ifPresent(d -> b.setPauseRetention(toProto(d)));
    o.name().ifPresent(b::setName);
    return b.setSticky(o.sticky())
        .setAllowOutbound(o.allowOutbound())
        .setAllowInbound(o.allowInbound())
        .putAllEnv(o.env())
        .putAllMetadata(o.metadata())
        .addAllTags(o.tags())
        .setWaitReady(o.waitReady())
        .build();
  }

  public static UpdateSessionRequest updateRequest(String id, UpdateSandboxOptions o) {
    UpdateSessionRequest.Builder b = UpdateSessionRequest.newBuilder().setSessionId(id);
    o.name().ifPresent(b::setName);
    o.tags().ifPresent(b::addAllTags);
    o.sticky().ifPresent(b::setSticky);
    o.maxDuration().ifPresent(d -> b.setMaxDuration(toProto(d)));
    return b.setClearTags(o.clearTags()).build();
  }

  public static RunSignal.Sig signal(Signal s) {
    return switch (s) {
      case TERM -> RunSignal.Sig.SIG_TERM;
      case KILL -> RunSignal.Sig.SIG_KILL;
      case INT -> RunSignal.Sig.SIG_INT;
      case HUP -> RunSignal.Sig.SIG_HUP;
      case USR1 -> RunSignal.Sig.SIG_USR1;
      case USR2 -> RunSignal.Sig.SIG_USR2;
    };
  }

  public static ExecResult result(
      RunExit exit, byte[] out, byte[] err, boolean outCut, boolean errCut) {
    return new ExecResult(
        exit.getExitCode(),
        exit.getSignal(),
        exit.getTimedOut(),
        Duration.ofMillis(exit.getDurationMs()),
        out,
        err,
        outCut,
        errCut);
  }

  public static Preview preview(ExposePortResponse r, int port) {
    return new Preview(
        r.getPort() == 0 ? port : r.getPort(),
        r.getPreviewUrl(),
        instant(r.hasExpiresAt(), r.getExpiresAt()),
        r.hasPreviewUrlId() ? Optional.of(r.getPreviewUrlId()) : Optional.empty(),
        r.hasSlug() ? Optional.of(r.getSlug()) : Optional.empty());
  }

  public static Preview preview(PortExposure p) {
    return new Preview(
        p.getPort(),
        p.getPreviewUrl(),
        instant(p.hasExpiresAt(), p.getExpiresAt()),
        p.hasPreviewUrlId() ? Optional.of(p.getPreviewUrlId()) : Optional.empty(),
        p.hasSlug() ? Optional.of(p.getSlug()) : Optional.empty());
  }

  public static PreviewUrl previewUrl(cloud.tenki.proto.sandbox.v1.PreviewUrl p) {
    return new PreviewUrl(
        p.getId(),
        p.getSlug(),
        p.getPreviewUrl(),
        p.getWorkspaceId(),
        p.getProjectId(),
        p.hasSessionId() ? Optional.of(p.getSessionId()) : Optional.empty(),
        p.hasPort() ? Optional.of(p.getPort()) : Optional.empty(),
        instant(p.hasCreatedAt(), p.getCreatedAt()));
  }

  public static Volume volume(cloud.tenki.proto.sandbox.v1.Volume v) {
    return new Volume(
        v.getId(),
        v.getWorkspaceId(),
        v.getName(),
        v.getSizeBytes(),
        volumeState(v.getState()),
        v.getProjectId(),
        v.getTagsList(),
        v.getCreatedAt());
  }

  static String volumeState(VolumeState s) {
    return switch (s) {
      case VOLUME_STATE_AVAILABLE -> "available";
      case VOLUME_STATE_IN_USE -> "in_use";
      case VOLUME_STATE_DELETING -> "deleting";
      case VOLUME_STATE_DELETED -> "deleted";
      default -> "unknown";
    };
  }

  public static VolumeAttachment attachment(cloud.tenki.proto.sandbox.v1.VolumeAttachment a) {
    return new VolumeAttachment(
        a.getId(),
        a.getVolumeId(),
        a.getSessionId(),
        a.getMountPath(),
        a.getReadonly(),
        a.getState().toLowerCase(Locale.ROOT));
  }

  public static FileStat stat(String path, StatResponse s) {
    return new FileStat(
        path,
        s.getExists(),
        s.getSize(),
        s.getMode(),
        s.getExists() ? Optional.of(fromNanos(s.getModifiedUnixNs())) : Optional.empty(),
        s.getIsDir(),
        s.getIsSymlink(),
        s.getSymlinkTarget().isEmpty() ? Optional.empty() : Optional.of(s.getSymlinkTarget()));
  }

  public static FileEntry entry(ListEntry e) {
    return new FileEntry(
        e.getName(), e.getIsDir(), e.getSize(), e.getMode(), fromNanos(e.getModifiedUnixNs()));
  }

  static Instant fromNanos(long nanos) {
    return Instant.ofEpochSecond(0, nanos);
  }

  public static SshCertificate sshCert(IssueSandboxSSHCertResponse r) {
    return new SshCertificate(
        r.getSshCert(),
        r.getCaPub(),
        instant(r.hasExpiresAt(), r.getExpiresAt()),
        r.getCertSerial(),
        r.hasRenewalAfter() ? Optional.of(fromProto(r.getRenewalAfter())) : Optional.empty(),
        r.getPermissions().getAllowPty(),
        r.getPermissions().getAllowPortForwardingLocal());
  }
}
