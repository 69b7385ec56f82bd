package cloud.tenki.sandbox;

import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Changes to a running sandbox's name, tags, stickiness or lifetime cap. Fields left unset stay as
 * they are.
 *
 * <pre>{@code
 * sandbox.update(UpdateSandboxOptions.builder().name("build-cache").sticky(true).build());
 * }</pre>
 *
 * <p>Immutable and thread-safe; the builder is not.
 *
 * @param name a new display name
 * @param tags replacement tags (empty optional: keep)
 * @param clearTags remove every tag
 * @param sticky new stickiness
 * @param maxDuration new total lifetime cap
 */
public record UpdateSandboxOptions(
    Optional<String> name,
    Optional<List<String>> tags,
    boolean clearTags,
    Optional<Boolean> sticky,
    Optional<Duration> maxDuration) {

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects {@link UpdateSandboxOptions}. Not thread-safe. */
  public static final class Builder {
    private String name;
    private List<String> tags;
    private boolean clearTags;
    private Boolean sticky;
    private Duration maxDuration;

    private Builder() {}

    /** New display name. */
    public Builder name(String name) {
      this.name = CreateSandboxOptions.Builder.nonBlank(name, "name");
      return this;
    }

    /** Replacement tags. */
    public Builder tags(List<String> tags) {
      tags.forEach(t -> CreateSandboxOptions.Builder.nonBlank(t, "tag"));
      this.tags = List.copyOf(tags);
      return this;
    }

    /** Removes every tag. */
    public Builder clearTags() {
      this.clearTags = true;
      return this;
    }

    /** New stickiness. */
    public Builder sticky(boolean sticky) {
      this.sticky = sticky;
      return this;
    }

    /** New total lifetime cap. */
    public Builder maxDuration(Duration maxDuration) {
      this.maxDuration = CreateSandboxOptions.Builder.positive(maxDuration, "maxDuration");
      return this;
    }

    /** Builds the options. */
    public UpdateSandboxOptions build() {
      return new UpdateSandboxOptions(
          Optional.ofNullable(name),
          Optional.ofNullable(tags),
          clearTags,
          Optional.ofNullable(sticky),
          Optional.ofNullable(maxDuration));
    }
  }
}
