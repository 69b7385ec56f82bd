package cloud.tenki.sandbox;

import java.time.Instant;
import java.util.Optional;

/**
 * A named, stable preview URL managed with {@link PreviewUrls}; it can be bound to a sandbox port.
 *
 * <pre>{@code
 * PreviewUrl url = client.previewUrls().create(CreatePreviewUrlOptions.builder("demo")
 *     .projectId("proj_123").sessionId(sandbox.id()).port(3000).build());
 * System.out.println(url.url());
 * }</pre>
 *
 * @param id the preview URL id
 * @param slug its slug (unique name)
 * @param url the public URL
 * @param workspaceId the owning workspace (may be empty)
 * @param projectId the owning project (may be empty)
 * @param sessionId the bound sandbox, if bound
 * @param port the bound port, if bound
 * @param createdAt when it was created, if known
 */
public record PreviewUrl(
    String id,
    String slug,
    String url,
    String workspaceId,
    String projectId,
    Optional<String> sessionId,
    Optional<Integer> port,
    Optional<Instant> createdAt) {}
