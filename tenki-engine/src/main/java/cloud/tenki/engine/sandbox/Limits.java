package cloud.tenki.engine.sandbox;

/**
 * Resource limits of one sandbox.
 *
 * @param cpuCores CPU cores the sandbox may use (CFS quota or CPU affinity)
 * @param memoryMb memory cap of all its processes together, in MiB
 * @param maxProcesses cap on processes and threads (fork-bomb guard)
 * @param diskBytes cap on the bytes its file system may hold
 */
public record Limits(int cpuCores, int memoryMb, int maxProcesses, long diskBytes) {}
