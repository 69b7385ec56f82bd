package cloud.tenki.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * A snapshot of a sandbox's description as the server reported it.
 *
 * <pre>{@code
 * SandboxInfo info = sandbox.info();
 * System.out.println(info.state() + " until " + info.timeoutAt().orElse(null));
 * }</pre>
 *
 * @param id the sandbox (session) id
 * @param state the lifecycle state
 * @param name the display name (may be empty)
 * @param workspaceId the owning workspace (may be empty)
 * @param projectId the owning project (deprecated by the service; may be empty)
 * @param cpuCores virtual CPU cores
 * @param memoryMb memory in MiB
 * @param sticky whether it is exempt from idle reaping
 * @param inboundEnabled whether it accepts connections from outside
 * @param outboundEnabled whether it can open connections out to the network (a local engine without
 *     slirp4netns runs sandboxes without, whatever they asked for)
 * @param idleTimeoutMinutes idle minutes before auto-pause, if set
 * @param pauseRetention how long a paused sandbox stays resumable, if set
 * @param createdAt when it was created, if known
 * @param readyAt when it became ready, if it has
 * @param timeoutAt when it will be terminated unless extended, if bounded
 * @param pausedAt when it was paused, if it is paused
 * @param terminatedAt when it was terminated, if it has been
 * @param lastActivityAt the last recorded activity, if known
 * @param metadata user metadata
 * @param tags user tags
 * @param terminalError why it ended abnormally (may be empty)
 */
public record SandboxInfo(
    String id,
    SandboxState state,
    String name,
    String workspaceId,
    String projectId,
    int cpuCores,
    int memoryMb,
    boolean sticky,
    boolean inboundEnabled,
    boolean outboundEnabled,
    Optional<Integer> idleTimeoutMinutes,
    Optional<Duration> pauseRetention,
    Optional<Instant> createdAt,
    Optional<Instant> readyAt,
    Optional<Instant> timeoutAt,
    Optional<Instant> pausedAt,
    Optional<Instant> terminatedAt,
    Optional<Instant> lastActivityAt,
    Map<String, String> metadata,
    List<String> tags,
    String terminalError) {

  /** Copies the collections. */
  public SandboxInfo {
    metadata = Map.copyOf(metadata);
    tags = List.copyOf(tags);
  }
}
