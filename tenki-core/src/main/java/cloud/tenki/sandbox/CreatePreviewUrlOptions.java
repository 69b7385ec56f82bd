package cloud.tenki.sandbox;

import java.util.Optional;

/**
 * What preview URL to create with {@link PreviewUrls#create(CreatePreviewUrlOptions)}.
 *
 * <pre>{@code
 * CreatePreviewUrlOptions opts = CreatePreviewUrlOptions.builder("demo")
 *     .projectId("proj_123").sessionId(sandbox.id()).port(3000).build();
 * }</pre>
 *
 * @param slug the unique name, part of the URL
 * @param projectId the project, if set
 * @param workspaceId the workspace, if set
 * @param sessionId the sandbox to bind to, if set
 * @param port the port to bind to, if set
 */
public record CreatePreviewUrlOptions(
    String slug,
    Optional<String> projectId,
    Optional<String> workspaceId,
    Optional<String> sessionId,
    Optional<Integer> port) {

  /** A builder for the given slug. */
  public static Builder builder(String slug) {
    return new Builder(CreateSandboxOptions.Builder.nonBlank(slug, "slug"));
  }

  /** Collects {@link CreatePreviewUrlOptions}. Not thread-safe. */
  public static final class Builder {
    private final String slug;
    private String projectId;
    private String workspaceId;
    private String sessionId;
    private Integer port;

    private Builder(String slug) {
      this.slug = slug;
    }

    /** The project. */
    public Builder projectId(String projectId) {
      this.projectId = CreateSandboxOptions.Builder.nonBlank(projectId, "projectId");
      return this;
    }

    /** The workspace. */
    public Builder workspaceId(String workspaceId) {
      this.workspaceId = CreateSandboxOptions.Builder.nonBlank(workspaceId, "workspaceId");
      return this;
    }

    /** The sandbox to bind to. */
    public Builder sessionId(String sessionId) {
      this.sessionId = CreateSandboxOptions.Builder.nonBlank(sessionId, "sessionId");
      return this;
    }

    /** The port to bind to (1..65535). */
    public Builder port(int port) {
      this.port = Ports.check(port);
      return this;
    }

    /** Builds the options. */
    public CreatePreviewUrlOptions build() {
      return new CreatePreviewUrlOptions(
          slug,
          Optional.ofNullable(projectId),
          Optional.ofNullable(workspaceId),
          Optional.ofNullable(sessionId),
          Optional.ofNullable(port));
    }
  }
}
