package cloud.tenki.mcp.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.http.HttpHarness;
import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.testing.ServerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The shipped server's sandboxes reach the network unless {@code --sandbox-network off} says
 * otherwise, and {@code sandbox_status} tells the model which it is.
 */
class SandboxNetworkTest {

  /**
   * {@code sandbox_status}'s structured result after one command, in a server with {@code args}.
   */
  private static JsonNode statusAfterACommand(List<String> args) throws Exception {
    try (ServerProcess server = ServerProcess.startShipped(args, Map.of())) {
      OutputStream stdin = server.process.getOutputStream();
      BufferedReader stdout =
          new BufferedReader(
              new InputStreamReader(server.process.getInputStream(), StandardCharsets.UTF_8));
      send(
          stdin,
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}\n"
              + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
      answer(stdout, 1);
      // one after the other: calls of one session may run side by side
      send(stdin, HttpHarness.call(2, "run_command", "{\"command\":\"true\"}", null));
      answer(stdout, 2);
      send(stdin, HttpHarness.call(3, "sandbox_status", "{}", null));
      JsonNode status = answer(stdout, 3);
      stdin.close();
      assertThat(server.awaitExit(Duration.ofSeconds(60))).isZero();
      assertThat(status.path("isError").asBoolean()).as(status.toString()).isFalse();
      return status.path("structuredContent");
    }
  }

  private static void send(OutputStream stdin, String lines) throws Exception {
    stdin.write((lines + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /** The result of the response with {@code id}; other messages (logs) are skipped. */
  private static JsonNode answer(BufferedReader stdout, int id) throws Exception {
    String line;
    while ((line = stdout.readLine()) != null) {
      JsonNode message = JsonRpc.MAPPER.readTree(line);
      if (message.path("id").asInt(-1) == id) {
        return message.path("result");
      }
    }
    throw new AssertionError("the server ended without answering request " + id);
  }

  @Test
  void sandboxesAreOfflineWhenTheSettingSaysSo() throws Exception {
    JsonNode status = statusAfterACommand(List.of("--sandbox-network", "off"));
    assertThat(status.path("network").isBoolean()).as(status.toString()).isTrue();
    assertThat(status.path("network").asBoolean()).isFalse();
  }

  @Test
  void sandboxesReachTheNetworkByDefaultWhereTheEngineCanGiveIt() throws Exception {
    JsonNode status = statusAfterACommand(List.of());
    // the local engine gives outbound network through slirp4netns
    boolean slirp =
        Files.isExecutable(Path.of("/usr/bin/slirp4netns"))
            || Files.isExecutable(Path.of("/bin/slirp4netns"));
    assertThat(status.path("network").asBoolean()).as(status.toString()).isEqualTo(slirp);
  }
}
