package cloud.tenki.engine.sandbox;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Puts sandboxes into cgroups (v1 or v2) when the engine may write them, and says which mechanism
 * is in force otherwise ({@code rlimit}).
 *
 * <p>Thread-safe: it only holds the discovered mount points. Each sandbox gets its own group named
 * after the sandbox id under a {@code tenki} parent; processes join by writing their own pid into
 * {@link Group#procsFiles()} before they exec (the launch wrapper does that), so nothing a sandbox
 * runs is ever outside its group.
 */
public final class Cgroups {

  private static final Logger LOG = LoggerFactory.getLogger(Cgroups.class);
  private static final String PARENT = "tenki";

  /** Which mechanism enforces limits. */
  public enum Mechanism {
    CGROUP_V2("cgroup-v2"),
    CGROUP_V1("cgroup-v1"),
    RLIMIT("rlimit");

    private final String label;

    Mechanism(String label) {
      this.label = label;
    }

    /** The name reported in session metadata and logs. */
    public String label() {
      return label;
    }
  }

  /** One sandbox's group. */
  public record Group(List<Path> dirs, List<Path> procsFiles) {

    /** Memory currently charged to the group, or -1 when unknown. */
    public long memoryBytes() {
      for (Path d : dirs) {
        for (String f : List.of("memory.usage_in_bytes", "memory.current")) {
          Path p = d.resolve(f);
          if (Files.exists(p)) {
            try {
              return Long.parseLong(Files.readString(p).trim());
            } catch (IOException | NumberFormatException e) {
              return -1;
            }
          }
        }
      }
      return -1;
    }

    /** The group's process limit file, or null when the group has none (rlimits). */
    public Path processLimitFile() {
      for (Path d : dirs) {
        Path f = d.resolve("pids.max");
        if (Files.exists(f)) {
          return f;
        }
      }
      return null;
    }

    /**
     * How many more processes (threads count too) the group's limit allows right now, or {@link
     * Long#MAX_VALUE} without a limit or when its files cannot be read.
     */
    public long processSlotsFree() {
      Path max = processLimitFile();
      if (max == null) {
        return Long.MAX_VALUE;
      }
      try {
        String limit = Files.readString(max).trim();
        if (limit.equals("max")) {
          return Long.MAX_VALUE;
        }
        long current = Long.parseLong(Files.readString(max.resolveSibling("pids.current")).trim());
        return Math.max(0, Long.parseLong(limit) - current);
      } catch (IOException | NumberFormatException e) {
        return Long.MAX_VALUE;
      }
    }

    /** Host pids of every process in the group. */
    public List<Long> pids() {
      List<Long> pids = new ArrayList<>();
      if (procsFiles.isEmpty()) {
        return pids;
      }
      try {
        for (String line : Files.readAllLines(procsFiles.get(0))) {
          if (!line.isBlank()) {
            pids.add(Long.parseLong(line.trim()));
          }
        }
      } catch (IOException | NumberFormatException e) {
        // group already removed
      }
      return pids;
    }
  }

  private final Mechanism mechanism;
  private final Map<String, Path> v1Mounts;
  private final Path v2Root;

  private Cgroups(Mechanism mechanism, Map<String, Path> v1Mounts, Path v2Root) {
    this.mechanism = mechanism;
    this.v1Mounts = v1Mounts;
    this.v2Root = v2Root;
  }

  /** Detects what this host allows; {@code disabled} forces rlimits. */
  public static Cgroups detect(boolean disabled) {
    if (disabled) {
      return new Cgroups(Mechanism.RLIMIT, Map.of(), null);
    }
    Map<String, Path> v1 = new LinkedHashMap<>();
    Path v2 = null;
    try {
      for (String line : Files.readAllLines(Path.of("/proc/self/mountinfo"))) {
        String[] halves = line.split(" - ", 2);
        if (halves.length < 2) {
          continue;
        }
        String mountPoint = halves[0].split(" ")[4];
        String[] tail = halves[1].split(" ");
        if (tail[0].equals("cgroup2") && v2 == null) {
          Path p = Path.of(mountPoint);
          if (v2Usable(p)) {
            v2 = p;
          }
        } else if (tail[0].equals("cgroup") && tail.length > 2) {
          for (String opt : tail[2].split(",")) {
            if (opt.equals("cpu") || opt.equals("memory") || opt.equals("pids")) {
              v1.putIfAbsent(opt, Path.of(mountPoint));
            }
          }
        }
      }
    } catch (IOException e) {
      LOG.debug("cannot read mountinfo", e);
    }
    if (v2 != null) {
      return new Cgroups(Mechanism.CGROUP_V2, Map.of(), v2);
    }
    if (v1.size() == 3 && v1.values().stream().allMatch(Cgroups::v1Writable)) {
      return new Cgroups(Mechanism.CGROUP_V1, Map.copyOf(v1), null);
    }
    return new Cgroups(Mechanism.RLIMIT, Map.of(), null);
  }

  private static boolean v1Writable(Path mount) {
    Path parent = mount.resolve(PARENT);
    try {
      Files.createDirectories(parent);
      return Files.isWritable(parent.resolve("cgroup.procs"));
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  private static boolean v2Usable(Path mount) {
    try {
      String controllers = Files.readString(mount.resolve("cgroup.controllers"));
      if (!(controllers.contains("memory")
          && controllers.contains("pids")
          && controllers.contains("cpu"))) {
        return false;
      }
      Path parent = mount.resolve(PARENT);
      Files.writeString(mount.resolve("cgroup.subtree_control"), "+cpu +memory +pids");
      Files.createDirectories(parent);
      Files.writeString(parent.resolve("cgroup.subtree_control"), "+cpu +memory +pids");
      return Files.isWritable(parent.resolve("cgroup.procs"));
    } catch (IOException | SecurityException e) {
      return false;
    }
  }

  /** The mechanism in force. */
  public Mechanism mechanism() {
    return mechanism;
  }

  /**
   * Creates the group of one sandbox and writes its limits; returns an empty group under rlimits.
   */
  public Group create(String sandboxId, Limits limits) throws IOException {
    long memBytes = limits.memoryMb() * 1024L * 1024L;
    long quota = limits.cpuCores() * 100_000L;
    if (mechanism == Mechanism.CGROUP_V1) {
      Path cpu = mkdir(v1Mounts.get("cpu"), sandboxId);
      Path mem = mkdir(v1Mounts.get("memory"), sandboxId);
      Path pids = mkdir(v1Mounts.get("pids"), sandboxId);
      write(cpu.resolve("cpu.cfs_period_us"), "100000");
      write(cpu.resolve("cpu.cfs_quota_us"), Long.toString(quota));
      write(mem.resolve("memory.limit_in_bytes"), Long.toString(memBytes));
      writeIfExists(mem.resolve("memory.memsw.limit_in_bytes"), Long.toString(memBytes));
      write(pids.resolve("pids.max"), Integer.toString(limits.maxProcesses()));
      List<Path> dirs = List.of(cpu, mem, pids);
      return new Group(dirs, dirs.stream().map(d -> d.resolve("cgroup.procs")).toList());
    }
    if (mechanism == Mechanism.CGROUP_V2) {
      Path dir = mkdir(v2Root, sandboxId);
      write(dir.resolve("cpu.max"), quota + " 100000");
      write(dir.resolve("memory.max"), Long.toString(memBytes));
      writeIfExists(dir.resolve("memory.swap.max"), "0");
      write(dir.resolve("pids.max"), Integer.toString(limits.maxProcesses()));
      return new Group(List.of(dir), List.of(dir.resolve("cgroup.procs")));
    }
    return new Group(List.of(), List.of());
  }

  /** Removes a group once its processes are gone; retries briefly while the kernel reaps them. */
  public void remove(Group group) {
    // a group can be removed once its last member has exited, which on a busy machine can take
    // a moment after the kill; one still busy at the deadline is logged and left in place
    long deadline = System.nanoTime() + 10_000_000_000L;
    for (Path dir : group.dirs()) {
      while (Files.exists(dir)) {
        try {
          Files.deleteIfExists(dir);
        } catch (IOException e) {
          if (System.nanoTime() > deadline) {
            LOG.warn("cgroup {} still busy after the sandbox stopped; left in place", dir);
            break;
          }
          try {
            Thread.sleep(20);
          } catch (InterruptedException ie) {
            Thread.currentThread().interrupt();
            return;
          }
        }
      }
    }
  }

  /**
   * Removes the (empty) groups a sandbox left behind when a previous engine died without stopping
   * it; the kernel already killed its processes with its pid namespace.
   */
  public void removeStale(String sandboxId) {
    for (Path d : parents().stream().map(p -> p.resolve(sandboxId)).toList()) {
      try {
        Files.deleteIfExists(d);
      } catch (IOException e) {
        LOG.debug("stale cgroup {} still busy", d);
      }
    }
  }

  /**
   * Removes the sandbox groups no process uses that are older than {@code age}: those of engines
   * killed before they could stop their sandboxes, which nothing else removes when no later engine
   * restores those sandboxes. A live sandbox's group always holds its init, and the kernel refuses
   * to remove a group that holds a process; the age keeps out of reach a group another engine has
   * just made and its sandbox not yet joined. Returns how many groups were removed.
   */
  public int removeAbandoned(Duration age) {
    long cutoff = System.currentTimeMillis() - age.toMillis();
    int removed = 0;
    for (Path parent : parents()) {
      try (DirectoryStream<Path> groups = Files.newDirectoryStream(parent, Files::isDirectory)) {
        for (Path group : groups) {
          try {
            if (Files.getLastModifiedTime(group).toMillis() < cutoff
                && Files.deleteIfExists(group)) {
              removed++;
            }
          } catch (IOException e) {
            // in use (it holds a process or a child group), or removed meanwhile
          }
        }
      } catch (IOException e) {
        LOG.debug("cannot list {}: {}", parent, e.toString());
      }
    }
    return removed;
  }

  /** The folder holding the sandboxes' groups in each hierarchy in use. */
  private List<Path> parents() {
    List<Path> parents = new ArrayList<>();
    v1Mounts.values().forEach(m -> parents.add(m.resolve(PARENT)));
    if (v2Root != null) {
      parents.add(v2Root.resolve(PARENT));
    }
    return parents;
  }

  private static Path mkdir(Path mount, String sandboxId) throws IOException {
    Path dir = mount.resolve(PARENT).resolve(sandboxId);
    Files.createDirectories(dir);
    return dir;
  }

  private static void write(Path file, String value) throws IOException {
    Files.writeString(file, value);
  }

  private static void writeIfExists(Path file, String value) {
    if (Files.exists(file)) {
      try {
        Files.writeString(file, value);
      } catch (IOException e) {
        // optional knob (swap accounting may be off)
      }
    }
  }
}
