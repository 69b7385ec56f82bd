package cloud.tenki.mcp.toolkit;

import static cloud.tenki.mcp.testing.StdioHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.testing.StdioHarness;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import cloud.tenki.sandbox.agent.ToolCatalog;
import cloud.tenki.sandbox.agent.ToolSelection;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * Once a client has listed the tools, the toolkit (with the embedded local engine) is created in
 * the background, so the first call finds it ready; a creation that fails there is tried again by
 * the first call, which reports its own outcome.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ToolkitPrepareTest {

  private final AtomicInteger created = new AtomicInteger();
  private StdioHarness harness;

  @AfterEach
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private void start(Supplier<SandboxToolkit> factory) throws Exception {
    ToolCatalog catalog =
        ToolCatalog.create(Duration.ofMinutes(2), Duration.ofMinutes(30), Duration.ofHours(1));
    ToolkitToolSource source =
        new ToolkitToolSource(
            catalog.select(ToolSelection.STANDARD),
            catalog.instructions(),
            () -> {
              created.incrementAndGet();
              return factory.get();
            });
    harness = new StdioHarness(source, b -> {}, 1 << 20, Duration.ofSeconds(10));
    harness.client.initialize("2025-11-25");
  }

  private static SandboxToolkit localToolkit() {
    return SandboxToolkit.builder()
        .client(TenkiClient.builder().environment(Map.of()).localEngine().build())
        .ownsClient(true)
        .build();
  }

  private void awaitCreated(int count) throws InterruptedException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
    while (created.get() < count && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
  }

  private String echo() throws Exception {
    JsonNode result =
        harness.client.result(
            "tools/call",
            json("{\"name\":\"run_command\",\"arguments\":{\"command\":\"echo ready\"}}"));
    assertThat(result.path("isError").asBoolean()).as("%s", result).isFalse();
    return result.path("structuredContent").path("stdout").asText();
  }

  @Test
  void theToolkitIsCreatedOnceTheToolsAreListedAndTheFirstCallUsesIt() throws Exception {
    start(ToolkitPrepareTest::localToolkit);
    assertThat(created).as("before the listing").hasValue(0);
    harness.client.result("tools/list", json("{}"));
    awaitCreated(1);
    assertThat(created).as("after the listing, with no call yet").hasValue(1);
    assertThat(echo()).isEqualTo("ready\n");
    assertThat(created).as("the call used the prepared toolkit").hasValue(1);
  }

  @Test
  void aCreationThatFailedAheadIsTriedAgainByTheFirstCall() throws Exception {
    AtomicInteger attempts = new AtomicInteger();
    start(
        () -> {
          if (attempts.incrementAndGet() == 1) {
            throw new IllegalStateException("the backend is not there yet");
          }
          return localToolkit();
        });
    harness.client.result("tools/list", json("{}"));
    awaitCreated(1);
    assertThat(echo()).isEqualTo("ready\n");
    assertThat(created).hasValue(2);
  }
}
