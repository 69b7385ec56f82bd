package cloud.tenki.engine.session;

import cloud.tenki.proto.sandbox.v1.CreateSessionRequest;
import io.grpc.Status;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;

/** Checks a create request eagerly and turns it into a record; errors name the field. */
final class CreateValidation {

  private static final int MIN_MEMORY_MB = 64;

  private CreateValidation() {}

  static SessionRecord toRecord(CreateSessionRequest req, EngineSettings s) {
    SessionRecord r = new SessionRecord();
    r.cpuCores = req.hasCpuCores() ? req.getCpuCores() : s.defaultCpuCores();
    r.memoryMb = req.hasMemoryMb() ? req.getMemoryMb() : s.defaultMemoryMb();
    r.diskSizeGb = req.hasDiskSizeGb() ? req.getDiskSizeGb() : s.defaultDiskGb();
    range("cpu_cores", r.cpuCores, 1, s.maxCpuCores());
    range("memory_mb", r.memoryMb, MIN_MEMORY_MB, s.maxMemoryMb());
    range("disk_size_gb", r.diskSizeGb, 1, s.maxDiskGb());
    if (req.hasMaxDuration()) {
      Duration d = duration(req.getMaxDuration());
      if (d.isNegative() || d.isZero() || d.compareTo(s.maxMaxDuration()) > 0) {
        throw invalid(
            "max_duration must be positive and at most " + s.maxMaxDuration().toMinutes() + "m");
      }
    }
    if (req.hasIdleTimeoutMinutes()) {
      range("idle_timeout_minutes", req.getIdleTimeoutMinutes(), 0, 7 * 24 * 60);
      r.idleTimeoutMinutes = req.getIdleTimeoutMinutes();
    }
    if (req.hasPauseRetention()) {
      Duration d = duration(req.getPauseRetention());
      if (d.isNegative()) {
        throw invalid("pause_retention must not be negative");
      }
      r.pauseRetention = d;
    } else {
      r.pauseRetention = s.defaultPauseRetention();
    }
    if (req.hasSnapshotId() || req.hasRegistryRef() || req.hasTemplateSpecId()) {
      throw Status.UNIMPLEMENTED
          .withDescription(
              "the local Tenki engine does not serve snapshots, registry images or templates yet")
          .asRuntimeException();
    }
    r.name = req.getName();
    r.ownerId = req.getOwnerId().isEmpty() ? "local" : req.getOwnerId();
    r.ownerType = req.getOwnerType().isEmpty() ? "USER" : req.getOwnerType();
    r.workspaceId = req.hasWorkspaceId() ? req.getWorkspaceId() : "local";
    r.projectId = req.hasProjectId() ? req.getProjectId() : "";
    r.sticky = req.getSticky();
    r.inbound = req.hasAllowInbound() && req.getAllowInbound();
    r.outboundRequested = req.hasAllowOutbound() && req.getAllowOutbound();
    r.tags = new ArrayList<>(normalizeTags(req.getTagsList()));
    r.sshAuthorizedKeys = new ArrayList<>(sshKeys(req.getSshAuthorizedKeysList()));
    r.metadata.putAll(req.getMetadataMap());
    r.env.putAll(req.getEnvMap());
    r.env.putAll(req.getSetupEnvMap());
    return r;
  }

  static List<String> normalizeTags(List<String> tags) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String t : tags) {
      String v = t.trim();
      if (!v.isEmpty()) {
        out.add(v);
      }
    }
    return new ArrayList<>(out);
  }

  /** Trimmed, non-empty, de-duplicated authorized key lines; each must be one line. */
  static List<String> sshKeys(List<String> keys) {
    LinkedHashSet<String> out = new LinkedHashSet<>();
    for (String k : keys) {
      String v = k.strip();
      if (v.isEmpty()) {
        continue;
      }
      if (v.contains("\n") || v.contains("\r") || v.length() > 16 * 1024) {
        throw invalid("ssh_authorized_keys entries must be single OpenSSH public key lines");
      }
      out.add(v);
    }
    if (out.size() > 256) {
      throw invalid("ssh_authorized_keys holds at most 256 keys");
    }
    return new ArrayList<>(out);
  }

  static Duration duration(com.google.protobuf.Duration d) {
    return Duration.ofSeconds(d.getSeconds(), d.getNanos());
  }

  private static void range(String field, int value, int min, int max) {
    if (value < min || value > max) {
      throw invalid(field + " must be between " + min + " and " + max + " (got " + value + ")");
    }
  }

  private static io.grpc.StatusRuntimeException invalid(String msg) {
    return Status.INVALID_ARGUMENT.withDescription(msg).asRuntimeException();
  }
}
