package cloud.tenki.sandbox;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;

/**
 * What sandbox to create: placement, size, lifetime policy, environment and labels. Every field is
 * optional; the server applies its defaults to what is left out.
 *
 * <p>Long-lived sandboxes are a parameter choice here, not a separate API: {@link
 * Builder#sticky(boolean)} opts out of idle reaping, {@link Builder#idleTimeoutMinutes(int)} sets
 * the idle window before auto-pause, {@link Builder#maxDuration(Duration)} caps the total lifetime
 * and {@link Builder#pauseRetention(Duration)} says how long a paused sandbox stays resumable.
 *
 * <pre>{@code
 * CreateSandboxOptions opts = CreateSandboxOptions.builder()
 *     .projectId("proj_123")
 *     .cpuCores(2)
 *     .memoryMb(4096)
 *     .sticky(true)
 *     .maxDuration(Duration.ofHours(8))
 *     .pauseRetention(Duration.ofHours(24))
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; the builder is not.
 */
public final class CreateSandboxOptions {
  private final String projectId;
  private final String workspaceId;
  private final Integer cpuCores;
  private final Integer memoryMb;
  private final Integer diskSizeGb;
  private final boolean sticky;
  private final Integer idleTimeoutMinutes;
  private final Duration maxDuration;
  private final Duration pauseRetention;
  private final Map<String, String> env;
  private final Map<String, String> metadata;
  private final List<String> tags;
  private final String name;
  private final boolean allowOutbound;
  private final boolean allowInbound;
  private final boolean waitReady;
  private final Duration readyTimeout;
  private final boolean keepOnClose;

  private CreateSandboxOptions(Builder b) {
    this.projectId = b.projectId;
    this.workspaceId = b.workspaceId;
    this.cpuCores = b.cpuCores;
    this.memoryMb = b.memoryMb;
    this.diskSizeGb = b.diskSizeGb;
    this.sticky = b.sticky;
    this.idleTimeoutMinutes = b.idleTimeoutMinutes;
    this.maxDuration = b.maxDuration;
    this.pauseRetention = b.pauseRetention;
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    this.tags = List.copyOf(b.tags);
    this.name = b.name;
    this.allowOutbound = b.allowOutbound;
    this.allowInbound = b.allowInbound;
    this.waitReady = b.waitReady;
    this.readyTimeout = b.readyTimeout;
    this.keepOnClose = b.keepOnClose;
  }

  /**
   * Options with every field at its default: the server's for sizes and lifetimes, network in and
   * out allowed (see {@link Builder#allowOutbound}).
   */
  public static CreateSandboxOptions defaults() {
    return builder().build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The project (deprecated by the service in favour of the workspace), if set. */
  public Optional<String> projectId() {
    return Optional.ofNullable(projectId);
  }

  /** The workspace, if set. */
  public Optional<String> workspaceId() {
    return Optional.ofNullable(workspaceId);
  }

  /** Virtual CPU cores, if set. */
  public Optional<Integer> cpuCores() {
    return Optional.ofNullable(cpuCores);
  }

  /** Memory in MiB, if set. */
  public Optional<Integer> memoryMb() {
    return Optional.ofNullable(memoryMb);
  }

  /** Disk size in GiB, if set. */
  public Optional<Integer> diskSizeGb() {
    return Optional.ofNullable(diskSizeGb);
  }

  /** Whether the sandbox is exempt from idle reaping. */
  public boolean sticky() {
    return sticky;
  }

  /** Idle minutes before auto-pause, if set. */
  public Optional<Integer> idleTimeoutMinutes() {
    return Optional.ofNullable(idleTimeoutMinutes);
  }

  /** Total lifetime cap, if set. */
  public Optional<Duration> maxDuration() {
    return Optional.ofNullable(maxDuration);
  }

  /** How long a paused sandbox stays resumable, if set. */
  public Optional<Duration> pauseRetention() {
    return Optional.ofNullable(pauseRetention);
  }

  /** Environment variables for every command in the sandbox. */
  public Map<String, String> env() {
    return env;
  }

  /** User metadata. */
  public Map<String, String> metadata() {
    return metadata;
  }

  /** User tags. */
  public List<String> tags() {
    return tags;
  }

  /** Display name, if set. */
  public Optional<String> name() {
    return Optional.ofNullable(name);
  }

  /** Whether the sandbox may open connections out to the network (default {@code true}). */
  public boolean allowOutbound() {
    return allowOutbound;
  }

  /** Whether the sandbox may accept connections from outside (default {@code true}). */
  public boolean allowInbound() {
    return allowInbound;
  }

  /** Whether {@code create} waits until the sandbox runs and its data plane answers. */
  public boolean waitReady() {
    return waitReady;
  }

  /** How long {@code create} waits for readiness. */
  public Duration readyTimeout() {
    return readyTimeout;
  }

  /** Whether closing the {@link Sandbox} leaves it running instead of terminating it. */
  public boolean keepOnClose() {
    return keepOnClose;
  }

  /** Collects {@link CreateSandboxOptions}. Not thread-safe. */
  public static final class Builder {
    private String projectId;
    private String workspaceId;
    private Integer cpuCores;
    private Integer memoryMb;
    private Integer diskSizeGb;
    private boolean sticky;
    private Integer idleTimeoutMinutes;
    private Duration maxDuration;
    private Duration pauseRetention;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<String> tags = new ArrayList<>();
    private String name;
    private boolean allowOutbound = true;
    private boolean allowInbound = true;
    private boolean waitReady = true;
    private Duration readyTimeout = Duration.ofMinutes(5);
    private boolean keepOnClose;

    private Builder() {}

    /** The project to create the sandbox in (deprecated by the service; prefer workspace). */
    public Builder projectId(String projectId) {
      this.projectId = nonBlank(projectId, "projectId");
      return this;
    }

    /** The workspace to create the sandbox in. */
    public Builder workspaceId(String workspaceId) {
      this.workspaceId = nonBlank(workspaceId, "workspaceId");
      return this;
    }

    /** Virtual CPU cores, at least 1. */
    public Builder cpuCores(int cpuCores) {
      this.cpuCores = positive(cpuCores, "cpuCores");
      return this;
    }

    /** Memory in MiB, at least 1. */
    public Builder memoryMb(int memoryMb) {
      this.memoryMb = positive(memoryMb, "memoryMb");
      return this;
    }

    /** Disk size in GiB, at least 1. */
    public Builder diskSizeGb(int diskSizeGb) {
      this.diskSizeGb = positive(diskSizeGb, "diskSizeGb");
      return this;
    }

    /** Opts the sandbox out of idle reaping (workspaces cap concurrent sticky sandboxes). */
    public Builder sticky(boolean sticky) {
      this.sticky = sticky;
      return this;
    }

    /** Minutes of inactivity before the sandbox is paused automatically, at least 1. */
    public Builder idleTimeoutMinutes(int minutes) {
      this.idleTimeoutMinutes = positive(minutes, "idleTimeoutMinutes");
      return this;
    }

    /** Total lifetime cap; {@link Sandbox#extend(Duration)} pushes the deadline later. */
    public Builder maxDuration(Duration maxDuration) {
      this.maxDuration = positive(maxDuration, "maxDuration");
      return this;
    }

    /** How long a paused sandbox is kept resumable. */
    public Builder pauseRetention(Duration pauseRetention) {
      this.pauseRetention = positive(pauseRetention, "pauseRetention");
      return this;
    }

    /** Adds an environment variable for every command in the sandbox. */
    public Builder env(String name, String value) {
      env.put(nonBlank(name, "env name"), Objects.requireNonNull(value, "env value"));
      return this;
    }

    /** Adds environment variables. */
    public Builder env(Map<String, String> vars) {
      vars.forEach(this::env);
      return this;
    }

    /** Adds a metadata entry. */
    public Builder metadata(String key, String value) {
      metadata.put(nonBlank(key, "metadata key"), Objects.requireNonNull(value, "metadata value"));
      return this;
    }

    /** Adds metadata entries. */
    public Builder metadata(Map<String, String> entries) {
      entries.forEach(this::metadata);
      return this;
    }

    /** Adds tags. */
    public Builder tags(String... tags) {
      for (String t : tags) {
        this.tags.add(nonBlank(t, "tag"));
      }
      return this;
    }

    /** Display name. */
    public Builder name(String name) {
      this.name = nonBlank(name, "name");
      return this;
    }

    /**
     * Allows or forbids outbound network (default: allowed, as in the official SDKs; installing
     * packages and cloning repositories need it). A local engine without slirp4netns, or started
     * with {@code --no-outbound}, runs sandboxes without it either way.
     */
    public Builder allowOutbound(boolean allow) {
      this.allowOutbound = allow;
      return this;
    }

    /** Allows or forbids inbound connections (default: allowed, as in the official SDKs). */
    public Builder allowInbound(boolean allow) {
      this.allowInbound = allow;
      return this;
    }

    /**
     * Whether {@code create} returns only once the sandbox runs and its data plane answers (default
     * {@code true}). With {@code false} it returns as soon as the server accepted the request; the
     * first command then waits.
     */
    public Builder waitReady(boolean waitReady) {
      this.waitReady = waitReady;
      return this;
    }

    /** How long to wait for readiness (default 5 minutes). */
    public Builder readyTimeout(Duration readyTimeout) {
      this.readyTimeout = positive(readyTimeout, "readyTimeout");
      return this;
    }

    /** Leave the sandbox running when the {@link Sandbox} object is closed. */
    public Builder keepOnClose(boolean keepOnClose) {
      this.keepOnClose = keepOnClose;
      return this;
    }

    /** Builds the options. */
    public CreateSandboxOptions build() {
      return new CreateSandboxOptions(this);
    }

    static String nonBlank(String value, String field) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(field + " must not be blank");
      }
      return value;
    }

    static int positive(int value, String field) {
      if (value < 1) {
        throw new IllegalArgumentException(field + " must be at least 1, got " + value);
      }
      return value;
    }

    static Duration positive(Duration value, String field) {
      if (value == null || value.isNegative() || value.isZero()) {
        throw new IllegalArgumentException(field + " must be positive, got " + value);
      }
      return value;
    }
  }
}
