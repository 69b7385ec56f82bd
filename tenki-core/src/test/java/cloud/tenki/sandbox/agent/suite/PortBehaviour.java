package cloud.tenki.sandbox.agent.suite;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.agent.ToolResult;
import cloud.tenki.sandbox.agent.ToolSelection;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** expose_port (after checking that something listens) and unexpose_port. */
public interface PortBehaviour extends ToolkitContext {

  @Test
  default void exposingAPortNobodyListensOnSaysHowToStartAServer() {
    ToolkitHarness h = harness();
    ToolResult r = h.error(key(), "expose_port", Map.of("port", 8123));
    assertThat(r.text())
        .contains(
            "Nothing is listening on port 8123",
            "background: true",
            "0.0.0.0",
            "expose_port again");
  }

  /** Needs a backend that serves preview URLs. */
  @Test
  default void exposeListAndUnexposeAPortThatAServerListensOn() {
    ToolkitHarness h =
        harness(b -> b.selection(new ToolSelection(ToolSelection.Mode.FULL, Set.of())));
    String key = key();
    int port = freePort();
    h.ok(
        key,
        "run_command",
        Map.of(
            "argv",
            List.of("python3", "-m", "http.server", Integer.toString(port), "--bind", "0.0.0.0"),
            "background",
            true));
    ToolkitHarness.await(
        Duration.ofSeconds(30),
        "the server to listen",
        () -> !h.call(key, "expose_port", Map.of("port", port, "ttl_minutes", 30)).isError());
    ToolResult again = h.ok(key, "expose_port", Map.of("port", port));
    assertThat(again.structured()).containsEntry("port", (long) port);
    String url = (String) again.structured().get("url");
    assertThat(url).isNotBlank();
    assertThat(again.text()).contains("Port " + port + " is exposed at " + url);
    // a time to the second, in the text and the structured result
    Object expires = again.structured().get("expires_at");
    if (expires != null) {
      assertThat((String) expires).matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\dZ");
      assertThat(again.text()).contains(" until " + expires + ".");
    }
    ToolResult status = h.ok(key, "sandbox_status", Map.of());
    assertThat(status.text()).contains(port + " -> ");
    assertThat(h.ok(key, "unexpose_port", Map.of("port", port)).structured())
        .containsEntry("unexposed", true);
    assertThat(h.ok(key, "unexpose_port", Map.of("port", port)).structured())
        .containsEntry("unexposed", false);
    h.ok(key, "stop_process", Map.of("process_id", "p1"));
  }

  /** A port free on this machine (sandboxes on a fake backend share its network). */
  static int freePort() {
    try (ServerSocket s = new ServerSocket(0)) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
