package cloud.tenki.mcp.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.http.HttpHarness;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import cloud.tenki.sandbox.agent.ToolCatalog;
import cloud.tenki.sandbox.agent.ToolSelection;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Streamable HTTP with the real toolkit on the embedded local engine: each MCP session is its own
 * conversation with its own sandbox, and ending the session ends the sandbox.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ToolkitOverHttpTest {

  private final AtomicReference<SandboxToolkit> toolkit = new AtomicReference<>();
  private HttpHarness harness;

  @BeforeEach
  void start() throws Exception {
    ToolCatalog catalog =
        ToolCatalog.create(Duration.ofMinutes(2), Duration.ofMinutes(30), Duration.ofHours(1));
    ToolkitToolSource source =
        new ToolkitToolSource(
            catalog.select(ToolSelection.STANDARD),
            catalog.instructions(),
            () -> {
              SandboxToolkit kit =
                  SandboxToolkit.builder()
                      .client(TenkiClient.builder().environment(Map.of()).localEngine().build())
                      .ownsClient(true)
                      .build();
              toolkit.set(kit);
              return kit;
            });
    harness = new HttpHarness(source, null, Duration.ofMinutes(5), Duration.ofSeconds(60));
  }

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  private JsonNode call(String session, String tool, String arguments) throws Exception {
    JsonNode response =
        harness.post(session, HttpHarness.call(7, tool, arguments, null)).response();
    assertThat(response.has("result")).as("%s", response).isTrue();
    return response.get("result");
  }

  @Test
  void sessionsAreIsolatedAndDeleteEndsTheSandbox() throws Exception {
    String alice = harness.initialize();
    String bob = harness.initialize();
    assertThat(alice).isNotEqualTo(bob);

    JsonNode written =
        call(alice, "write_file", "{\"path\":\"secret.txt\",\"content\":\"alice only\"}");
    assertThat(written.path("isError").asBoolean()).isFalse();
    JsonNode aliceReads = call(alice, "read_file", "{\"path\":\"secret.txt\"}");
    assertThat(aliceReads.path("structuredContent").path("content").asText())
        .isEqualTo("alice only");

    JsonNode bobReads = call(bob, "read_file", "{\"path\":\"secret.txt\"}");
    assertThat(bobReads.path("isError").asBoolean()).as("%s", bobReads).isTrue();
    JsonNode bobFinds =
        call(
            bob,
            "run_command",
            "{\"command\":\"ls -a /home/tenki; find / -name secret.txt 2>/dev/null\"}");
    assertThat(bobFinds.path("structuredContent").path("stdout").asText())
        .doesNotContain("secret.txt");
    assertThat(toolkit.get().runningSandboxes()).isEqualTo(2);

    assertThat(harness.send("DELETE", alice, Map.of()).status()).isEqualTo(204);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (toolkit.get().runningSandboxes() != 1 && System.nanoTime() < deadline) {
      Thread.sleep(50);
    }
    assertThat(toolkit.get().runningSandboxes()).as("alice's sandbox is gone").isEqualTo(1);
    assertThat(harness.post(alice, HttpHarness.call(8, "sandbox_status", "{}", null)).status())
        .as("the ended session is unknown")
        .isEqualTo(404);
    assertThat(call(bob, "sandbox_status", "{}").path("isError").asBoolean()).isFalse();
  }
}
