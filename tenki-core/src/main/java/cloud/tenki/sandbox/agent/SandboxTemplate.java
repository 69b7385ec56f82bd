package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.CreateSandboxOptions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * What each conversation's sandbox is created from: size, environment, labels, placement and its
 * initial lifetime. Unset fields take the backend's defaults.
 *
 * <pre>{@code
 * SandboxTemplate template = SandboxTemplate.builder()
 *     .cpuCores(2)
 *     .memoryMb(4096)
 *     .env("PIP_INDEX_URL", "https://pypi.example/simple")
 *     .tags("agent")
 *     .lifetime(Duration.ofHours(1))
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; the builder is not.
 */
public final class SandboxTemplate {
  /** The initial lifetime when none is set: one hour. */
  public static final Duration DEFAULT_LIFETIME = Duration.ofHours(1);

  private final Integer cpuCores;
  private final Integer memoryMb;
  private final Integer diskSizeGb;
  private final Map<String, String> env;
  private final Map<String, String> metadata;
  private final List<String> tags;
  private final Duration lifetime;
  private final Integer serverIdleTimeoutMinutes;
  private final String projectId;
  private final String workspaceId;
  private final Boolean allowOutbound;
  private final String name;

  private SandboxTemplate(Builder b) {
    this.cpuCores = b.cpuCores;
    this.memoryMb = b.memoryMb;
    this.diskSizeGb = b.diskSizeGb;
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.metadata = Collections.unmodifiableMap(new LinkedHashMap<>(b.metadata));
    this.tags = List.copyOf(b.tags);
    this.lifetime = b.lifetime;
    this.serverIdleTimeoutMinutes = b.serverIdleTimeoutMinutes;
    this.projectId = b.projectId;
    this.workspaceId = b.workspaceId;
    this.allowOutbound = b.allowOutbound;
    this.name = b.name;
  }

  /** A template with every field at its default. */
  public static SandboxTemplate defaults() {
    return builder().build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** The initial lifetime of each sandbox (before the toolkit extends it while it is used). */
  public Duration lifetime() {
    return lifetime;
  }

  /** Environment variables set for every command. */
  public Map<String, String> env() {
    return env;
  }

  /** The options a sandbox is created with; the toolkit terminates what it creates. */
  CreateSandboxOptions toCreateOptions() {
    CreateSandboxOptions.Builder b = CreateSandboxOptions.builder().maxDuration(lifetime);
    if (cpuCores != null) {
      b.cpuCores(cpuCores);
    }
    if (memoryMb != null) {
      b.memoryMb(memoryMb);
    }
    if (diskSizeGb != null) {
      b.diskSizeGb(diskSizeGb);
    }
    if (serverIdleTimeoutMinutes != null) {
      b.idleTimeoutMinutes(serverIdleTimeoutMinutes);
    }
    if (projectId != null) {
      b.projectId(projectId);
    }
    if (workspaceId != null) {
      b.workspaceId(workspaceId);
    }
    if (allowOutbound != null) {
      b.allowOutbound(allowOutbound);
    }
    if (name != null) {
      b.name(name);
    }
    b.env(env).metadata(metadata).tags(tags.toArray(new String[0]));
    return b.build();
  }

  /** Collects a {@link SandboxTemplate}. Not thread-safe. */
  public static final class Builder {
    private Integer cpuCores;
    private Integer memoryMb;
    private Integer diskSizeGb;
    private final Map<String, String> env = new LinkedHashMap<>();
    private final Map<String, String> metadata = new LinkedHashMap<>();
    private final List<String> tags = new ArrayList<>();
    private Duration lifetime = DEFAULT_LIFETIME;
    private Integer serverIdleTimeoutMinutes;
    private String projectId;
    private String workspaceId;
    private Boolean allowOutbound;
    private String name;

    private Builder() {}

    /** Virtual CPU cores, at least 1 (default: the backend's). */
    public Builder cpuCores(int cpuCores) {
      this.cpuCores = atLeastOne(cpuCores, "cpuCores");
      return this;
    }

    /** Memory in MiB, at least 1 (default: the backend's). */
    public Builder memoryMb(int memoryMb) {
      this.memoryMb = atLeastOne(memoryMb, "memoryMb");
      return this;
    }

    /** Disk in GiB, at least 1 (default: the backend's). */
    public Builder diskSizeGb(int diskSizeGb) {
      this.diskSizeGb = atLeastOne(diskSizeGb, "diskSizeGb");
      return this;
    }

    /** Adds an environment variable for every command. */
    public Builder env(String name, String value) {
      if (name == null || name.isEmpty() || name.indexOf('=') >= 0) {
        throw new IllegalArgumentException("env name must be non-empty and contain no '='");
      }
      env.put(name, Objects.requireNonNull(value, "env value"));
      return this;
    }

    /** Adds environment variables for every command. */
    public Builder env(Map<String, String> vars) {
      vars.forEach(this::env);
      return this;
    }

    /** Adds a metadata entry to each sandbox. */
    public Builder metadata(String key, String value) {
      metadata.put(nonBlank(key, "metadata key"), Objects.requireNonNull(value, "metadata value"));
      return this;
    }

    /** Adds tags to each sandbox (useful to find or bill them). */
    public Builder tags(String... tags) {
      for (String t : tags) {
        this.tags.add(nonBlank(t, "tag"));
      }
      return this;
    }

    /**
     * The initial lifetime (the sandbox's {@code maxDuration}); default one hour. While a
     * conversation uses its sandbox the toolkit extends it, up to {@link
     * SandboxToolkit.Builder#maxLifetime(Duration)} from its creation.
     */
    public Builder lifetime(Duration lifetime) {
      if (lifetime == null || lifetime.compareTo(Duration.ofMinutes(1)) < 0) {
        throw new IllegalArgumentException("lifetime must be at least 1 minute, got " + lifetime);
      }
      this.lifetime = lifetime;
      return this;
    }

    /**
     * Minutes without activity after which the backend itself pauses the sandbox (default: the
     * backend's). The toolkit's own idle handling ({@link SandboxToolkit.Builder#idleTimeout}) is
     * separate; a sandbox the backend paused is resumed on the next call.
     */
    public Builder serverIdleTimeoutMinutes(int minutes) {
      this.serverIdleTimeoutMinutes = atLeastOne(minutes, "serverIdleTimeoutMinutes");
      return this;
    }

    /** The project to create sandboxes in (deprecated by the service; prefer workspace). */
    public Builder projectId(String projectId) {
      this.projectId = nonBlank(projectId, "projectId");
      return this;
    }

    /** The workspace to create sandboxes in. */
    public Builder workspaceId(String workspaceId) {
      this.workspaceId = nonBlank(workspaceId, "workspaceId");
      return this;
    }

    /** Allows or forbids outbound network (default: allowed, see {@code CreateSandboxOptions}). */
    public Builder allowOutbound(boolean allow) {
      this.allowOutbound = allow;
      return this;
    }

    /** A display name for each sandbox. */
    public Builder name(String name) {
      this.name = nonBlank(name, "name");
      return this;
    }

    /** Builds the template. */
    public SandboxTemplate build() {
      return new SandboxTemplate(this);
    }

    private static int atLeastOne(int value, String field) {
      if (value < 1) {
        throw new IllegalArgumentException(field + " must be at least 1, got " + value);
      }
      return value;
    }

    private static String nonBlank(String value, String field) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(field + " must not be blank");
      }
      return value;
    }
  }
}
