package cloud.tenki.engine.session;

import cloud.tenki.engine.sandbox.Cgroups;
import cloud.tenki.engine.sandbox.Launcher;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;

/**
 * Resolved engine settings shared by the session layer. Immutable.
 *
 * @param stateDir where session records and sandbox files live
 * @param launcher how sandboxes are isolated
 * @param cgroups how limits are enforced
 * @param clock the time source for every lifetime decision (injectable for tests)
 * @param credentialTtl lifetime of a data-plane credential
 * @param defaultMaxDuration session lifetime when a create request sets none
 * @param maxMaxDuration longest lifetime a request may ask for
 * @param defaultPauseRetention how long a paused session is kept when the request sets none
 * @param defaultCpuCores cores when a request sets none
 * @param defaultMemoryMb memory when a request sets none
 * @param defaultDiskGb disk quota when a request sets none
 * @param maxCpuCores upper bound for {@code cpu_cores}
 * @param maxMemoryMb upper bound for {@code memory_mb}
 * @param maxDiskGb upper bound for {@code disk_size_gb}
 * @param maxProcesses process and thread cap of each sandbox
 * @param hostUidBase first host uid handed to sandboxes when the engine is root, or -1 to map the
 *     sandbox user to the engine's own uid
 * @param hostUidCount how many host uids from {@code hostUidBase} sandboxes may use
 * @param uidLeaseDir where machine-wide uid leases live, or null for the default
 * @param lifetimeTick how often lifetimes (expiry, idle, retention) are checked
 * @param diskCheckInterval how often disk usage is measured against the quota
 * @param outbound whether {@code allow_outbound} is honoured (needs slirp4netns)
 * @param maxRunningSessions how many sandboxes may run at once (paused ones do not count)
 */
public record EngineSettings(
    Path stateDir,
    Launcher launcher,
    Cgroups cgroups,
    Clock clock,
    Duration credentialTtl,
    Duration defaultMaxDuration,
    Duration maxMaxDuration,
    Duration defaultPauseRetention,
    int defaultCpuCores,
    int defaultMemoryMb,
    int defaultDiskGb,
    int maxCpuCores,
    int maxMemoryMb,
    int maxDiskGb,
    int maxProcesses,
    int hostUidBase,
    int hostUidCount,
    Path uidLeaseDir,
    Duration lifetimeTick,
    Duration diskCheckInterval,
    boolean outbound,
    int maxRunningSessions) {}
