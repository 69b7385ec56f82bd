package cloud.tenki.mcp.clients;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.mcp.http.HttpHarness;
import cloud.tenki.mcp.testing.ServerProcess;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.exception.ToolExecutionException;
import dev.langchain4j.mcp.client.DefaultMcpClient;
import dev.langchain4j.mcp.client.McpClient;
import dev.langchain4j.mcp.client.transport.McpTransport;
import dev.langchain4j.mcp.client.transport.http.StreamableHttpMcpTransport;
import dev.langchain4j.mcp.client.transport.stdio.StdioMcpTransport;
import dev.langchain4j.service.tool.ToolExecutionResult;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The Java {@code langchain4j-mcp} client against the server over stdio and Streamable HTTP. */
class LangChain4jClientTest {

  @Test
  void overStdio() throws Exception {
    McpTransport transport =
        new StdioMcpTransport.Builder()
            .command(ServerProcess.javaCommand())
            .logEvents(false)
            .build();
    try (McpClient client = client(transport)) {
      exercise(client);
    }
  }

  @Test
  void overStreamableHttp() throws Exception {
    try (HttpHarness harness = new HttpHarness()) {
      McpTransport transport =
          new StreamableHttpMcpTransport.Builder()
              .url(harness.endpoint.toString())
              .timeout(Duration.ofSeconds(30))
              .build();
      try (McpClient client = client(transport)) {
        exercise(client);
      }
      assertThat(harness.tools.calls).isNotEmpty();
    }
  }

  @Test
  void realSandboxToolsOverStdio() throws Exception {
    McpTransport transport =
        new StdioMcpTransport.Builder()
            .command(ServerProcess.shippedServerCommand())
            .logEvents(false)
            .build();
    try (McpClient client = client(transport)) {
      exerciseSandboxTools(client);
    }
  }

  @Test
  void realSandboxToolsOverStreamableHttp() throws Exception {
    try (ServerProcess server =
        ServerProcess.startShipped(List.of("--http", "--port", "0"), Map.of())) {
      String line = server.awaitStderr("listening on ", Duration.ofSeconds(60));
      McpTransport transport =
          new StreamableHttpMcpTransport.Builder()
              .url(line.substring(line.indexOf("listening on ") + "listening on ".length()))
              .timeout(Duration.ofSeconds(60))
              .build();
      try (McpClient client = client(transport)) {
        exerciseSandboxTools(client);
      }
    }
  }

  private static void exerciseSandboxTools(McpClient client) {
    assertThat(client.listTools())
        .extracting(ToolSpecification::name)
        .contains("run_command", "run_code", "read_file", "write_file", "list_files");
    ToolExecutionResult hi =
        client.executeTool(
            ToolExecutionRequest.builder()
                .name("run_command")
                .arguments("{\"command\":\"echo hi; echo oops >&2\"}")
                .build());
    assertThat(hi.isError()).isFalse();
    assertThat(hi.resultText()).contains("hi").contains("oops");
    client.executeTool(
        ToolExecutionRequest.builder()
            .name("write_file")
            .arguments("{\"path\":\"notes/lc4j.txt\",\"content\":\"from langchain4j\\n\"}")
            .build());
    ToolExecutionResult read =
        client.executeTool(
            ToolExecutionRequest.builder()
                .name("read_file")
                .arguments("{\"path\":\"notes/lc4j.txt\"}")
                .build());
    assertThat(read.resultText()).contains("from langchain4j");
    assertThatThrownBy(
            () ->
                client.executeTool(
                    ToolExecutionRequest.builder()
                        .name("run_command")
                        .arguments("{\"command\":42}")
                        .build()))
        .isInstanceOf(ToolExecutionException.class)
        .hasMessageContaining("command");
  }

  private static McpClient client(McpTransport transport) {
    return new DefaultMcpClient.Builder()
        .key("tenki")
        .transport(transport)
        .toolExecutionTimeout(Duration.ofSeconds(30))
        .build();
  }

  private static void exercise(McpClient client) {
    client.checkHealth();
    List<ToolSpecification> tools = client.listTools();
    assertThat(tools)
        .extracting(ToolSpecification::name)
        .contains("echo", "slow", "image", "add", "fail");
    ToolSpecification echo =
        tools.stream().filter(t -> t.name().equals("echo")).findFirst().orElseThrow();
    assertThat(echo.description()).isEqualTo("Returns the text it is given.");
    assertThat(echo.parameters().required()).containsExactly("text");

    ToolExecutionResult hello =
        client.executeTool(
            ToolExecutionRequest.builder()
                .name("echo")
                .arguments("{\"text\":\"hi\",\"repeat\":3}")
                .build());
    assertThat(hello.isError()).isFalse();
    assertThat(hello.resultText()).isEqualTo("hihihi");

    ToolExecutionResult slow =
        client.executeTool(
            ToolExecutionRequest.builder()
                .name("slow")
                .arguments("{\"steps\":2,\"stepMillis\":5}")
                .build());
    assertThat(slow.resultText()).isEqualTo("slow finished 2 steps");

    ToolExecutionResult sum =
        client.executeTool(
            ToolExecutionRequest.builder().name("add").arguments("{\"a\":1,\"b\":2}").build());
    assertThat(sum.resultText()).contains("3.0");

    // this client raises tool errors (isError: true) as exceptions carrying the tool's text
    assertThatThrownBy(
            () ->
                client.executeTool(
                    ToolExecutionRequest.builder().name("echo").arguments("{\"text\":1}").build()))
        .isInstanceOf(ToolExecutionException.class)
        .hasMessageContaining("/text: integer found, string expected");
    assertThatThrownBy(
            () ->
                client.executeTool(
                    ToolExecutionRequest.builder()
                        .name("fail")
                        .arguments("{\"mode\":\"result\"}")
                        .build()))
        .isInstanceOf(ToolExecutionException.class)
        .hasMessageContaining("The tool failed as asked.");
  }
}
