package cloud.tenki.sandbox;

import cloud.tenki.proto.sandbox.v1.AttachVolumeRequest;
import cloud.tenki.proto.sandbox.v1.CreateVolumeRequest;
import cloud.tenki.proto.sandbox.v1.DeleteVolumeRequest;
import cloud.tenki.proto.sandbox.v1.DetachVolumeRequest;
import cloud.tenki.proto.sandbox.v1.GetVolumeRequest;
import cloud.tenki.proto.sandbox.v1.ListVolumesRequest;
import cloud.tenki.proto.sandbox.v1.ListVolumesResponse;
import cloud.tenki.proto.sandbox.v1.ResizeVolumeRequest;
import cloud.tenki.proto.sandbox.v1.UpdateVolumeRequest;
import cloud.tenki.proto.sandbox.v1.VolumeMount;
import cloud.tenki.sandbox.internal.control.ControlPlane;
import cloud.tenki.sandbox.internal.mapper.WireMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Persistent volumes; from {@link TenkiClient#volumes()}. Thread-safe.
 *
 * <pre>{@code
 * Volume cache = client.volumes().create("ws_123", "cache", 10 * Volumes.GIB);
 * client.volumes().attach(sandbox.id(), cache.id(), "/mnt/cache", false);
 * }</pre>
 */
public final class Volumes {
  /** One gibibyte, for sizes: {@code 10 * Volumes.GIB}. */
  public static final long GIB = 1024L * 1024 * 1024;

  private final ControlPlane control;

  Volumes(ControlPlane control) {
    this.control = control;
  }

  /** Creates a volume in a workspace. */
  public Volume create(String workspaceId, String name, long sizeBytes) {
    return create(workspaceId, name, sizeBytes, null);
  }

  /** Creates a volume in a workspace, also naming the (deprecated) project. */
  public Volume create(String workspaceId, String name, long sizeBytes, String projectId) {
    CreateVolumeRequest.Builder b =
        CreateVolumeRequest.newBuilder()
            .setWorkspaceId(CreateSandboxOptions.Builder.nonBlank(workspaceId, "workspaceId"))
            .setName(CreateSandboxOptions.Builder.nonBlank(name, "name"))
            .setSizeBytes(positiveSize(sizeBytes, "sizeBytes"));
    if (projectId != null) {
      b.setProjectId(CreateSandboxOptions.Builder.nonBlank(projectId, "projectId"));
    }
    return WireMapper.volume(
        control.call("CreateVolume", false, s -> s.createVolume(b.build())).getVolume());
  }

  /** Fetches a volume. */
  public Volume get(String volumeId) {
    GetVolumeRequest req = GetVolumeRequest.newBuilder().setVolumeId(id(volumeId)).build();
    return WireMapper.volume(control.call("GetVolume", true, s -> s.getVolume(req)).getVolume());
  }

  /** The volumes of a workspace (all pages). */
  public List<Volume> list(String workspaceId) {
    CreateSandboxOptions.Builder.nonBlank(workspaceId, "workspaceId");
    List<Volume> all = new ArrayList<>();
    String token = "";
    do {
      ListVolumesRequest req =
          ListVolumesRequest.newBuilder().setWorkspaceId(workspaceId).setPageToken(token).build();
      ListVolumesResponse r = control.call("ListVolumes", true, s -> s.listVolumes(req));
      r.getVolumesList().forEach(v -> all.add(WireMapper.volume(v)));
      token = r.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /** Renames a volume and/or replaces its tags ({@code null}: keep). */
  public Volume update(String volumeId, String name, List<String> tags) {
    UpdateVolumeRequest.Builder b = UpdateVolumeRequest.newBuilder().setVolumeId(id(volumeId));
    if (name != null) {
      b.setName(CreateSandboxOptions.Builder.nonBlank(name, "name"));
    }
    if (tags != null) {
      b.addAllTags(tags).setClearTags(tags.isEmpty());
    }
    return WireMapper.volume(
        control.call("UpdateVolume", false, s -> s.updateVolume(b.build())).getVolume());
  }

  /** Deletes a volume. */
  public void delete(String volumeId) {
    DeleteVolumeRequest req = DeleteVolumeRequest.newBuilder().setVolumeId(id(volumeId)).build();
    control.call("DeleteVolume", false, s -> s.deleteVolume(req));
  }

  /** Grows a volume to {@code newSizeBytes}. */
  public Volume resize(String volumeId, long newSizeBytes) {
    ResizeVolumeRequest req =
        ResizeVolumeRequest.newBuilder()
            .setVolumeId(id(volumeId))
            .setNewSizeBytes(positiveSize(newSizeBytes, "newSizeBytes"))
            .build();
    return WireMapper.volume(
        control.call("ResizeVolume", false, s -> s.resizeVolume(req)).getVolume());
  }

  /** Attaches a volume to a sandbox at {@code mountPath}. */
  public VolumeAttachment attach(
      String sessionId, String volumeId, String mountPath, boolean readOnly) {
    AttachVolumeRequest req =
        AttachVolumeRequest.newBuilder()
            .setSessionId(CreateSandboxOptions.Builder.nonBlank(sessionId, "sessionId"))
            .setVolume(
                VolumeMount.newBuilder()
                    .setVolumeId(id(volumeId))
                    .setMountPath(mountPath(mountPath))
                    .setReadonly(readOnly))
            .build();
    return WireMapper.attachment(
        control.call("AttachVolume", false, s -> s.attachVolume(req)).getAttachment());
  }

  /** Detaches a volume from a sandbox; {@code force} detaches even if in use. */
  public void detach(String sessionId, String volumeId, boolean force) {
    DetachVolumeRequest req =
        DetachVolumeRequest.newBuilder()
            .setSessionId(CreateSandboxOptions.Builder.nonBlank(sessionId, "sessionId"))
            .setVolumeId(id(volumeId))
            .setForceDetach(force)
            .build();
    control.call("DetachVolume", false, s -> s.detachVolume(req));
  }

  private static String id(String volumeId) {
    return CreateSandboxOptions.Builder.nonBlank(volumeId, "volumeId");
  }

  private static String mountPath(String p) {
    CreateSandboxOptions.Builder.nonBlank(p, "mountPath");
    if (!p.startsWith("/") || p.contains("/../") || p.endsWith("/..")) {
      throw new IllegalArgumentException(
          "mountPath must be an absolute path without '..', got '" + p + "'");
    }
    return p;
  }

  private static long positiveSize(long size, String field) {
    if (size <= 0) {
      throw new IllegalArgumentException(field + " must be positive, got " + size);
    }
    return size;
  }
}
