package cloud.tenki.sandbox;

import java.time.Instant;
import java.util.Optional;

/**
 * A sandbox port exposed to the internet through a preview URL, from {@link Sandbox#exposePort(int,
 * java.time.Duration)}.
 *
 * <pre>{@code
 * sandbox.shell("python3 -m http.server 3000 >/tmp/server.log 2>&1 &");
 * Preview preview = sandbox.exposePort(3000, Duration.ofHours(1));
 * System.out.println(preview.url());
 * }</pre>
 *
 * @param port the sandbox port
 * @param url the public URL that reaches it
 * @param expiresAt when the exposure ends, if bounded
 * @param previewUrlId the id of the backing preview URL, if any
 * @param slug the preview URL's slug, if any
 */
public record Preview(
    int port,
    String url,
    Optional<Instant> expiresAt,
    Optional<String> previewUrlId,
    Optional<String> slug) {}
