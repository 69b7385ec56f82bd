package cloud.tenki.mcp.stdio;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.http.HttpHarness;
import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.testing.McpLineClient;
import cloud.tenki.mcp.testing.ServerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;

/** The stdio server as a real process: stdout purity, end of input and SIGTERM. */
class StdioProcessTest {

  private static final String INIT =
      "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
          + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n"
          + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n";

  @Test
  void answersEveryPipelinedRequestAfterStdinClosesAndKeepsStdoutPure() throws Exception {
    try (ServerProcess server = ServerProcess.start(List.of(), Map.of())) {
      StringBuilder input = new StringBuilder(INIT);
      input.append("{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n");
      input.append(HttpHarness.call(3, "slow", "{\"steps\":3,\"stepMillis\":200}", null) + "\n");
      input.append(HttpHarness.call(4, "echo", "{\"text\":\"last words\"}", null) + "\n");
      input.append(HttpHarness.call(5, "fail", "{\"mode\":\"throw\"}", null) + "\n");
      input.append("this line is not json\n");
      input.append("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}");
      try (OutputStream stdin = server.process.getOutputStream()) {
        stdin.write(input.toString().getBytes(StandardCharsets.UTF_8));
      }
      List<JsonNode> messages = new ArrayList<>();
      try (BufferedReader stdout =
          new BufferedReader(
              new InputStreamReader(server.process.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        while ((line = stdout.readLine()) != null) {
          JsonNode message = JsonRpc.MAPPER.readTree(line); // every line must be JSON
          McpLineClient.checkWellFormed(message);
          messages.add(message);
        }
      }
      assertThat(server.awaitExit(Duration.ofSeconds(30))).isZero();
      Set<String> answered = new HashSet<>();
      for (JsonNode message : messages) {
        answered.add(message.path("id").asText());
      }
      assertThat(answered).contains("1", "2", "3", "4", "5", "6", "null");
      assertThat(server.stderr).anyMatch(l -> l.contains("tool fail failed"));
      assertThat(server.stderr).anyMatch(l -> l.contains("test-tools: conversation ended"));
      assertThat(server.stderr.get(server.stderr.size() - 1)).contains("test-tools: closed");
    }
  }

  @Test
  void sigtermEndsTheConversationAndAnswersRunningCalls() throws Exception {
    try (ServerProcess server = ServerProcess.start(List.of(), Map.of())) {
      OutputStream stdin = server.process.getOutputStream();
      String slow =
          "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"tools/call\",\"params\":{\"name\":"
              + "\"slow\",\"arguments\":{\"steps\":1000,\"stepMillis\":50},\"_meta\":{\"progressToken\":1}}}\n";
      stdin.write((INIT + slow).getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      BufferedReader stdout =
          new BufferedReader(
              new InputStreamReader(server.process.getInputStream(), StandardCharsets.UTF_8));
      assertThat(JsonRpc.MAPPER.readTree(stdout.readLine()).at("/result/protocolVersion").asText())
          .isEqualTo("2025-11-25");
      // the call is running once its first progress notification arrives
      assertThat(JsonRpc.MAPPER.readTree(stdout.readLine()).path("method").asText())
          .isEqualTo("notifications/progress");
      // SIGTERM through the handle: Process.destroy() would also close our end of the pipes
      server.process.toHandle().destroy();
      List<JsonNode> rest = new ArrayList<>();
      String line;
      while ((line = stdout.readLine()) != null) {
        rest.add(JsonRpc.MAPPER.readTree(line));
      }
      server.awaitExit(Duration.ofSeconds(30));
      assertThat(rest)
          .as("after SIGTERM: %s; stderr %s", rest, server.stderr)
          .anySatisfy(
              m -> {
                assertThat(m.path("id").asInt()).isEqualTo(7);
                assertThat(m.at("/error/message").asText()).contains("shutting down");
              });
      assertThat(server.stderr).anyMatch(l -> l.contains("test-tools: cancelled slow"));
      assertThat(server.stderr).anyMatch(l -> l.contains("test-tools: conversation ended"));
      assertThat(server.stderr).anyMatch(l -> l.contains("test-tools: closed"));
    }
  }
}
