package cloud.tenki.sandbox;

import java.util.List;

/**
 * A persistent volume that can be attached to sandboxes, managed with {@link Volumes}.
 *
 * <pre>{@code
 * Volume cache = client.volumes().create("ws_123", "cache", 10 * Volumes.GIB);
 * System.out.println(cache.id() + " " + cache.state());
 * }</pre>
 *
 * @param id the volume id
 * @param workspaceId the owning workspace
 * @param name its name
 * @param sizeBytes its size in bytes
 * @param state {@code available}, {@code in_use}, {@code deleting}, {@code deleted} or {@code
 *     unknown}
 * @param projectId the owning project (may be empty)
 * @param tags user tags
 * @param createdAt creation time as the server formats it (may be empty)
 */
public record Volume(
    String id,
    String workspaceId,
    String name,
    long sizeBytes,
    String state,
    String projectId,
    List<String> tags,
    String createdAt) {

  /** Copies the tags. */
  public Volume {
    tags = List.copyOf(tags);
  }
}
