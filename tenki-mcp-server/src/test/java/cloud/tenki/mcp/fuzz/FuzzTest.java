package cloud.tenki.mcp.fuzz;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.http.HttpHarness;
import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.testing.McpLineClient;
import cloud.tenki.mcp.testing.StdioHarness;
import com.fasterxml.jackson.databind.JsonNode;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import org.junit.jupiter.api.Test;

/**
 * Feeds thousands of hostile inputs to both transports and proves after every few that the server
 * still answers correctly, that everything it writes is well-formed JSON-RPC, and that no malformed
 * call reached a tool. The seed is printed in assertion messages for replay.
 */
class FuzzTest {

  private static final long SEED = Long.getLong("fuzz.seed", 20251125L);
  private static final int MAX_BYTES = 16 * 1024;

  @Test
  void stdioSurvivesHostileInput() throws Exception {
    try (StdioHarness harness = new StdioHarness(b -> {}, MAX_BYTES, Duration.ofSeconds(5))) {
      McpLineClient client = harness.client;
      client.initialize("2025-03-26"); // the revision with batches, so they are parsed too
      FuzzInputs inputs = new FuzzInputs(SEED);
      for (int round = 0; round < 2000; round++) {
        client.sendRaw(inputs.next(MAX_BYTES));
        if (round % 20 == 19) {
          assertStillServing(client, round);
        }
      }
      assertStillServing(client, -1);
      assertThat(client.invalidLines).as("non-JSON output (seed %s)", SEED).isEmpty();
      // only schema-valid calls reach the tool source
      assertThat(harness.tools.calls).allMatch(c -> c.endsWith(" echo"));
    }
  }

  private static void assertStillServing(McpLineClient client, int round) throws Exception {
    JsonNode result =
        client.result(
            "tools/call",
            StdioHarness.json("{\"name\":\"echo\",\"arguments\":{\"text\":\"alive\"}}"));
    assertThat(result.at("/content/0/text").asText())
        .as("round %s, seed %s", round, SEED)
        .isEqualTo("alive");
  }

  @Test
  void httpSurvivesHostileBodies() throws Exception {
    try (HttpHarness harness = new HttpHarness()) {
      String session = harness.initialize();
      FuzzInputs inputs = new FuzzInputs(SEED + 1);
      byte[] body;
      for (int round = 0; round < 300; round++) {
        HttpRequest request =
            HttpRequest.newBuilder(harness.endpoint)
                .timeout(Duration.ofSeconds(30))
                .header("Content-Type", "application/json")
                .header("Accept", HttpHarness.ACCEPT_BOTH)
                .header("Mcp-Session-Id", session)
                .POST(HttpRequest.BodyPublishers.ofByteArray(body = inputs.next(70 * 1024)))
                .build();
        HttpResponse<String> response;
        try {
          response = harness.http.send(request, HttpResponse.BodyHandlers.ofString());
        } catch (java.io.IOException e) {
          throw new AssertionError(
              "round "
                  + round
                  + ", "
                  + body.length
                  + " bytes: "
                  + new String(body, 0, Math.min(200, body.length)),
              e);
        }
        assertThat(response.statusCode()).as("round %s, seed %s", round, SEED + 1).isLessThan(500);
        String answer = response.body();
        if (response.statusCode() != 202 && answer.startsWith("{")) {
          McpLineClient.checkWellFormed(JsonRpc.MAPPER.readTree(answer));
        }
      }
      HttpHarness.Answer ping =
          harness.post(session, "{\"jsonrpc\":\"2.0\",\"id\":\"last\",\"method\":\"ping\"}");
      assertThat(ping.single().get("result").isEmpty()).isTrue();
    }
  }
}
