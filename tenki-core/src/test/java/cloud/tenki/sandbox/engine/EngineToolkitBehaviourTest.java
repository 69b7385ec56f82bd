package cloud.tenki.sandbox.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.ToolResult;
import cloud.tenki.sandbox.agent.suite.ToolkitBehaviourSuite;
import cloud.tenki.sandbox.agent.suite.ToolkitHarness;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The toolkit's behaviour suite against the real local engine, started in this JVM: real isolated
 * sandboxes, real processes, files and preview URLs.
 */
class EngineToolkitBehaviourTest extends ToolkitBehaviourSuite {

  @Override
  protected TenkiClient newClient() {
    return TenkiClient.builder().environment(Map.of()).localEngine().build();
  }

  @Test
  void aDirectoryTheSandboxUserCannotEnterIsReportedPlainly() {
    // the sandbox user is not root here, so permissions hold (they do not for a fake that runs
    // commands as the host's root)
    ToolkitHarness h = harness();
    String key = key();
    h.ok(key, "run_command", Map.of("command", "mkdir locked && chmod 000 locked"));
    assertThat(h.error(key, "list_files", Map.of("path", "locked")).text())
        .contains("/home/tenki/locked cannot be listed: cd: can't cd to locked");
    // a folder inside that cannot be read is named, not silently shown empty
    h.ok(
        key,
        "run_command",
        Map.of("command", "mkdir -p p/open p/shut && touch p/open/a p/shut/b && chmod 000 p/shut"));
    ToolResult partial = h.ok(key, "list_files", Map.of("path", "p", "depth", 3));
    assertThat(partial.text())
        .contains("open/a", "Not listed, the sandbox user may not read them: shut/.");
    assertThat(partial.structured()).containsEntry("unreadable", List.of("shut/"));
  }

  @Test
  void aFileTheSandboxUserCannotReadOrWriteIsAnErrorSayingSo() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(key, "run_command", Map.of("command", "printf secret > locked && chmod 000 locked"));
    // not an empty file: the read fails, and the advice is about the file, not a credential
    assertThat(h.error(key, "read_file", Map.of("path", "locked")).text())
        .contains("permission denied: /home/tenki/locked", "ls -l", "chmod")
        .doesNotContain("configuration problem");
    assertThat(
            h.error(key, "edit_file", Map.of("path", "locked", "old_text", "s", "new_text", "t"))
                .text())
        .contains("permission denied");
    assertThat(h.error(key, "write_file", Map.of("path", "locked", "content", "x")).text())
        .contains("permission denied: /home/tenki/locked", "chmod");
    // a file where a folder of the path should be is named
    h.ok(key, "write_file", Map.of("path", "notes", "content", "x"));
    assertThat(h.error(key, "write_file", Map.of("path", "notes/today.md", "content", "x")).text())
        .contains("/home/tenki/notes is a file");
  }

  @Test
  void theExposedPreviewUrlServesTheSandboxesServerToTheHost() throws Exception {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(
        key,
        "write_file",
        Map.of("path", "site/index.html", "content", "<h1>from the sandbox</h1>"));
    h.ok(
        key,
        "run_command",
        Map.of(
            "argv",
            List.of("python3", "-m", "http.server", "3000", "--bind", "0.0.0.0", "-d", "site"),
            "background",
            true));
    ToolkitHarness.await(
        Duration.ofSeconds(30),
        "the server to listen",
        () -> !h.call(key, "expose_port", Map.of("port", 3000)).isError());
    ToolResult exposed = h.ok(key, "expose_port", Map.of("port", 3000));
    String url = (String) exposed.structured().get("url");
    HttpResponse<String> page =
        HttpClient.newHttpClient()
            .send(
                HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
                HttpResponse.BodyHandlers.ofString());
    assertThat(page.statusCode()).isEqualTo(200);
    assertThat(page.body()).contains("<h1>from the sandbox</h1>");
  }

  @Test
  void aPreviewInUseKeepsAnIdleSandboxOpen() throws Exception {
    ToolkitHarness h = harness(b -> b.idleTimeout(Duration.ofSeconds(4)));
    String key = key();
    h.ok(key, "write_file", Map.of("path", "site/index.html", "content", "<p>live</p>"));
    h.ok(
        key,
        "run_command",
        Map.of(
            "argv",
            List.of("python3", "-m", "http.server", "3001", "--bind", "0.0.0.0", "-d", "site"),
            "background",
            true));
    ToolkitHarness.await(
        Duration.ofSeconds(30),
        "the server to listen",
        () -> !h.call(key, "expose_port", Map.of("port", 3001)).isError());
    String url = (String) h.ok(key, "expose_port", Map.of("port", 3001)).structured().get("url");
    HttpClient http = HttpClient.newHttpClient();
    // ten seconds without a tool call, while someone looks at the preview twice a second
    long end = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (System.nanoTime() < end) {
      HttpResponse<String> page =
          http.send(
              HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(10)).build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(page.statusCode()).isEqualTo(200);
      Thread.sleep(500);
    }
    assertThat(h.toolkit.runningSandboxes()).as("the sandbox behind the preview").isEqualTo(1);
    // once nobody looks, the idle policy applies again
    ToolkitHarness.await(
        Duration.ofSeconds(30),
        "the idle sandbox to close",
        () -> h.sandboxes().isEmpty() && h.toolkit.runningSandboxes() == 0);
  }
}
