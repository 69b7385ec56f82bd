package cloud.tenki.mcp.clients;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.testing.ServerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * The official TypeScript MCP client against the shipped server with the real sandbox tools on the
 * embedded local engine, over stdio. The checks live in {@code src/test/node/ts-sandbox-tools.mjs};
 * the client validates every structured result against the tool's output schema.
 */
class TypeScriptSandboxToolsTest {

  private static final List<String> CHECKS =
      List.of(
          "connect",
          "tools/list",
          "write, edit, read and list files",
          "run_command streams progress and keeps stdout and stderr apart",
          "run_code python",
          "background process: start, read output, stop",
          "sandbox_status and extend_sandbox",
          "expose_port says when nothing listens",
          "invalid arguments are a tool error naming the field",
          "cancellation kills the command",
          "restart_sandbox ends every process and keeps the files",
          "close");

  @Test
  void everySandboxToolThroughTheOfficialClient() throws Exception {
    String node = NodeTools.node();
    NodeTools.requirePackage("@modelcontextprotocol/sdk");
    List<String> command = new ArrayList<>(List.of(node, "ts-sandbox-tools.mjs"));
    command.addAll(ServerProcess.shippedServerCommand());
    expectEveryCheckPassed(NodeTools.run(command, NodeTools.DIR, Duration.ofMinutes(3)));
  }

  @Test
  void everySandboxToolThroughTheOfficialClientOverStreamableHttp() throws Exception {
    String node = NodeTools.node();
    NodeTools.requirePackage("@modelcontextprotocol/sdk");
    try (ServerProcess server =
        ServerProcess.startShipped(List.of("--http", "--port", "0"), Map.of())) {
      String line = server.awaitStderr("listening on ", Duration.ofSeconds(60));
      String url = line.substring(line.indexOf("listening on ") + "listening on ".length());
      expectEveryCheckPassed(
          NodeTools.run(
              List.of(node, "ts-sandbox-tools.mjs", url), NodeTools.DIR, Duration.ofMinutes(3)));
    }
  }

  private static void expectEveryCheckPassed(NodeTools.Result result) throws Exception {
    List<String> passed = new ArrayList<>();
    for (String line : result.stdout().split("\n")) {
      if (!line.startsWith("{")) {
        continue;
      }
      JsonNode report = JsonRpc.MAPPER.readTree(line);
      if (report.has("check")) {
        assertThat(report.get("ok").asBoolean())
            .as("%s: %s", report.get("check").asText(), report.get("detail").asText())
            .isTrue();
        passed.add(report.get("check").asText());
      }
    }
    assertThat(passed)
        .as("stdout %s / stderr %s", result.stdout(), result.stderr())
        .containsExactlyElementsOf(CHECKS);
    assertThat(result.exit()).isZero();
  }
}
