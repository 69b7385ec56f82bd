package cloud.tenki.engine.sandbox;

import java.nio.file.Path;

/**
 * Everything a launcher needs to start one sandbox.
 *
 * @param id sandbox id (also the cgroup name)
 * @param rootfs the directory that becomes the sandbox's {@code /}
 * @param hostname the sandbox's host name
 * @param hostUid host uid that the sandbox user maps to, or -1 to use the engine's own
 * @param group the sandbox's cgroup (empty under rlimits)
 * @param limits the limits, applied as rlimits when {@code group} is empty
 */
public record SandboxConfig(
    String id, Path rootfs, String hostname, int hostUid, Cgroups.Group group, Limits limits) {}
