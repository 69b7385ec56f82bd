package cloud.tenki.sandbox;

import java.util.List;
import java.util.Optional;

/**
 * Filters for {@link Sandboxes#list(ListSandboxesOptions)}.
 *
 * <pre>{@code
 * client.sandboxes().list(ListSandboxesOptions.builder().sticky(true).build())
 *     .forEach(info -> System.out.println(info.id()));
 * }</pre>
 *
 * @param sticky only sticky (true) or only non-sticky (false) sandboxes; empty for both
 * @param tags only sandboxes with these tags
 * @param includeTerminated include terminated sandboxes
 * @param workspaceId only this workspace's sandboxes (empty: every sandbox of the caller)
 * @param pageSize how many sandboxes to fetch per page (0: the server's default)
 */
public record ListSandboxesOptions(
    Optional<Boolean> sticky,
    List<String> tags,
    boolean includeTerminated,
    Optional<String> workspaceId,
    int pageSize) {

  /** Validates and copies. */
  public ListSandboxesOptions {
    tags = List.copyOf(tags);
    if (pageSize < 0) {
      throw new IllegalArgumentException("pageSize must not be negative");
    }
  }

  /** No filter. */
  public static ListSandboxesOptions all() {
    return builder().build();
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Collects {@link ListSandboxesOptions}. Not thread-safe. */
  public static final class Builder {
    private Boolean sticky;
    private List<String> tags = List.of();
    private boolean includeTerminated;
    private String workspaceId;
    private int pageSize;

    private Builder() {}

    /** Only sticky ({@code true}) or only non-sticky ({@code false}) sandboxes. */
    public Builder sticky(boolean sticky) {
      this.sticky = sticky;
      return this;
    }

    /** Only sandboxes with all of these tags. */
    public Builder tags(String... tags) {
      this.tags = List.of(tags);
      return this;
    }

    /** Include terminated sandboxes. */
    public Builder includeTerminated(boolean include) {
      this.includeTerminated = include;
      return this;
    }

    /** Only this workspace's sandboxes. */
    public Builder workspaceId(String workspaceId) {
      this.workspaceId = CreateSandboxOptions.Builder.nonBlank(workspaceId, "workspaceId");
      return this;
    }

    /** Page size for the lazy paging (1..1000). */
    public Builder pageSize(int pageSize) {
      if (pageSize < 1 || pageSize > 1000) {
        throw new IllegalArgumentException("pageSize must be between 1 and 1000, got " + pageSize);
      }
      this.pageSize = pageSize;
      return this;
    }

    /** Builds the options. */
    public ListSandboxesOptions build() {
      return new ListSandboxesOptions(
          Optional.ofNullable(sticky),
          tags,
          includeTerminated,
          Optional.ofNullable(workspaceId),
          pageSize);
    }
  }
}
