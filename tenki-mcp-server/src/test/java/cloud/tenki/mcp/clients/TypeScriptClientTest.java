package cloud.tenki.mcp.clients;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.http.HttpHarness;
import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.testing.ServerProcess;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * The official TypeScript MCP client ({@code @modelcontextprotocol/sdk}) against the server over
 * stdio and Streamable HTTP: listing, every test tool, structured output, errors, progress, logging
 * and cancellation. The checks live in {@code src/test/node/ts-client.mjs}.
 */
class TypeScriptClientTest {

  private static final List<String> CHECKS =
      List.of(
          "connect",
          "ping",
          "tools/list",
          "call echo",
          "call image",
          "call add (structured, validated by the client)",
          "call fail (tool error)",
          "invalid arguments are a tool error naming the field",
          "unknown tool is a protocol error",
          "every test tool answers",
          "progress",
          "logging",
          "cancellation",
          "close");

  @Test
  void overStdio() throws Exception {
    String node = NodeTools.node();
    NodeTools.requirePackage("@modelcontextprotocol/sdk");
    List<String> command = new ArrayList<>(List.of(node, "ts-client.mjs", "stdio"));
    command.addAll(ServerProcess.javaCommand());
    assertAllChecksPassed(NodeTools.run(command, NodeTools.DIR, Duration.ofMinutes(2)));
  }

  @Test
  void overStreamableHttp() throws Exception {
    String node = NodeTools.node();
    NodeTools.requirePackage("@modelcontextprotocol/sdk");
    try (HttpHarness harness = new HttpHarness()) {
      NodeTools.Result result =
          NodeTools.run(
              List.of(node, "ts-client.mjs", "http", harness.endpoint.toString()),
              NodeTools.DIR,
              Duration.ofMinutes(2));
      assertAllChecksPassed(result);
      assertThat(harness.tools.cancelledCalls).as("the server saw the cancellation").hasSize(1);
      assertThat(harness.tools.endedConversations).as("DELETE ended the conversation").hasSize(1);
    }
  }

  private static void assertAllChecksPassed(NodeTools.Result result) throws Exception {
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
