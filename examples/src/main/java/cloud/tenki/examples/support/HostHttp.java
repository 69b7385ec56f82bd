package cloud.tenki.examples.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.time.Instant;

/**
 * Fetches a URL from the host, as a browser or {@code curl} would, waiting for a server that is
 * still starting: a preview answers 502 until something listens on the port inside the sandbox.
 *
 * <p>Stateless and thread-safe.
 *
 * <pre>{@code
 * String body = HostHttp.getWhenReady(preview.url(), Duration.ofSeconds(20));
 * }</pre>
 */
public final class HostHttp {
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private HostHttp() {}

  /**
   * GETs {@code url} until it answers 200 and returns the body; fails when {@code patience} runs
   * out, naming the last status or error.
   */
  public static String getWhenReady(String url, Duration patience) {
    Instant deadline = Instant.now().plus(patience);
    String last = "no answer";
    while (true) {
      try {
        HttpResponse<String> response = get(url);
        if (response.statusCode() == 200) {
          return response.body();
        }
        last = "HTTP " + response.statusCode();
      } catch (IOException e) {
        last = e.toString();
      }
      if (Instant.now().isAfter(deadline)) {
        throw new IllegalStateException(
            url + " did not answer 200 within " + patience + ": " + last);
      }
      pause(Duration.ofMillis(200));
    }
  }

  /** One GET of {@code url}. */
  public static HttpResponse<String> get(String url) throws IOException {
    HttpRequest request =
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).GET().build();
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new UncheckedIOException(new IOException("interrupted while fetching " + url, e));
    }
  }

  static void pause(Duration d) {
    try {
      Thread.sleep(d.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }
}
