package cloud.tenki.mcp.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.testing.ServerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped server with no Tenki token: listing the tools starts the embedded engine in the
 * background, before any call, and its stderr carries the server's own lines, not the engine
 * libraries' start-up chatter.
 */
class ShippedStartTest {

  @Test
  void listingTheToolsStartsTheEngineWithoutLibraryChatter() throws Exception {
    try (ServerProcess server = ServerProcess.startShipped(List.of(), Map.of())) {
      OutputStream stdin = server.process.getOutputStream();
      BufferedReader stdout =
          new BufferedReader(
              new InputStreamReader(server.process.getInputStream(), StandardCharsets.UTF_8));
      stdin.write(
          ("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
                  + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\","
                  + "\"version\":\"1\"}}}\n"
                  + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}\n"
                  + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}\n")
              .getBytes(StandardCharsets.UTF_8));
      stdin.flush();
      JsonNode listed = null;
      String line;
      while (listed == null && (line = stdout.readLine()) != null) {
        JsonNode message = JsonRpc.MAPPER.readTree(line);
        if (message.path("id").asInt() == 2) {
          listed = message;
        }
      }
      assertThat(listed).as("the tools/list answer").isNotNull();
      assertThat(listed.at("/result/tools").size()).isPositive();
      // no call was made: the engine starts because the tools were listed
      server.awaitStderr("tenki engine ready", Duration.ofSeconds(60));
      stdin.close();
      assertThat(server.awaitExit(Duration.ofSeconds(60))).isZero();
      assertThat(server.stderr)
          .as("stderr")
          .anyMatch(l -> l.contains("sandboxes run on the embedded local engine"))
          .noneMatch(l -> l.contains("BouncyCastle"));
    }
  }
}
