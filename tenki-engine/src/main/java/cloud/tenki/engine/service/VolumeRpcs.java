package cloud.tenki.engine.service;

import cloud.tenki.engine.volume.VolumeManager;
import cloud.tenki.proto.sandbox.v1.*;

/** Maps the volume rpcs onto the {@link VolumeManager}. Thread-safe. */
final class VolumeRpcs {

  private final VolumeManager volumes;

  VolumeRpcs(VolumeManager volumes) {
    this.volumes = volumes;
  }

  CreateVolumeResponse create(CreateVolumeRequest req) {
    String workspace =
        req.getWorkspaceId().isEmpty() && req.hasProjectId() ? "local" : req.getWorkspaceId();
    return CreateVolumeResponse.newBuilder()
        .setVolume(
            volumes.create(
                workspace,
                req.getName(),
                req.getSizeBytes(),
                req.hasProjectId() ? req.getProjectId() : ""))
        .build();
  }

  GetVolumeResponse get(GetVolumeRequest req) {
    return GetVolumeResponse.newBuilder()
        .setVolume(volumes.get(req.getVolumeId()))
        .addAllActiveAttachments(volumes.attachments(req.getVolumeId()))
        .build();
  }

  ListVolumesResponse list(ListVolumesRequest req) {
    VolumeManager.Page page =
        volumes.list(req.getWorkspaceId(), req.getPageSize(), req.getPageToken());
    return ListVolumesResponse.newBuilder()
        .addAllVolumes(page.volumes())
        .setNextPageToken(page.nextToken())
        .build();
  }

  UpdateVolumeResponse update(UpdateVolumeRequest req) {
    return UpdateVolumeResponse.newBuilder()
        .setVolume(
            volumes.update(
                req.getVolumeId(),
                req.hasName() ? req.getName() : null,
                req.getTagsList(),
                req.getClearTags()))
        .build();
  }

  DeleteVolumeResponse delete(DeleteVolumeRequest req) {
    volumes.delete(req.getVolumeId());
    return DeleteVolumeResponse.getDefaultInstance();
  }

  ResizeVolumeResponse resize(ResizeVolumeRequest req) {
    return ResizeVolumeResponse.newBuilder()
        .setVolume(volumes.resize(req.getVolumeId(), req.getNewSizeBytes()))
        .build();
  }

  AttachVolumeResponse attach(AttachVolumeRequest req) {
    VolumeMount m = req.getVolume();
    return AttachVolumeResponse.newBuilder()
        .setAttachment(
            volumes.attach(req.getSessionId(), m.getVolumeId(), m.getMountPath(), m.getReadonly()))
        .build();
  }

  DetachVolumeResponse detach(DetachVolumeRequest req) {
    volumes.detach(req.getSessionId(), req.getVolumeId(), req.getForceDetach());
    return DetachVolumeResponse.getDefaultInstance();
  }
}
