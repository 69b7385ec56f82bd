package cloud.tenki.sandbox;

/**
 * A volume attached to a sandbox at a mount path, from {@link Volumes#attach}.
 *
 * <pre>{@code
 * VolumeAttachment a = client.volumes().attach(sandbox.id(), volume.id(), "/mnt/cache", false);
 * }</pre>
 *
 * @param id the attachment id
 * @param volumeId the volume
 * @param sessionId the sandbox
 * @param mountPath where it is mounted in the sandbox
 * @param readOnly whether it is mounted read-only
 * @param state the attachment state as the server reports it
 */
public record VolumeAttachment(
    String id,
    String volumeId,
    String sessionId,
    String mountPath,
    boolean readOnly,
    String state) {}
