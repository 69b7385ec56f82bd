package cloud.tenki.mcp.cli;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.ToolSources;
import cloud.tenki.mcp.config.EnvironmentSource;
import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.testing.TestTools;
import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** The command line in this JVM: subcommands, argument parsing, errors and exit codes. */
class CliTest {

  private final ByteArrayOutputStream out = new ByteArrayOutputStream();
  private final ByteArrayOutputStream err = new ByteArrayOutputStream();
  private TestTools tools;

  private int run(Map<String, String> env, String... args) {
    tools = new TestTools();
    return new McpServerCli(
            EnvironmentSource.of(env),
            config -> tools,
            new ByteArrayInputStream(new byte[0]),
            out,
            new PrintStream(err, true, StandardCharsets.UTF_8))
        .run(args);
  }

  private String out() {
    return out.toString(StandardCharsets.UTF_8);
  }

  private String err() {
    return err.toString(StandardCharsets.UTF_8);
  }

  @Test
  void toolsListsEveryToolAndClosesTheSource() throws Exception {
    assertThat(run(Map.of(), "tools")).isZero();
    assertThat(out()).contains("echo  (Echo)").contains("slow  (Slow)").contains("add  (Add)");
    assertThat(tools.closed).isTrue();
    out.reset();
    assertThat(run(Map.of(), "tools", "--json")).isZero();
    assertThat(JsonRpc.MAPPER.readTree(out()).size()).isEqualTo(tools.tools().size());
    // listing from the terminal starts no backend
    assertThat(tools.prepared).hasValue(0);
  }

  @Test
  void callPrintsTheResultAndStreamsProgressToStderr() {
    assertThat(run(Map.of(), "call", "echo", "--arg", "text=42", "--arg", "repeat=2")).isZero();
    assertThat(out()).isEqualTo("4242\n");
    out.reset();
    assertThat(run(Map.of(), "call", "slow", "--json", "{\"steps\":2}", "--arg", "stepMillis=1"))
        .isZero();
    assertThat(err()).contains("step 1 of 2").contains("step 2 of 2");
    assertThat(out()).contains("slow finished 2 steps");
    // the arguments as one JSON object after the tool's name, as people first try
    out.reset();
    assertThat(run(Map.of(), "call", "echo", "{\"text\":\"ab\",\"repeat\":3}")).isZero();
    assertThat(out()).isEqualTo("ababab\n");
  }

  @Test
  void argumentsGivenTwiceAreAUsageError() {
    assertThat(run(Map.of(), "call", "echo", "{\"text\":\"a\"}", "--json", "{\"text\":\"b\"}"))
        .isEqualTo(2);
    assertThat(err()).contains("not both");
    assertThat(run(Map.of(), "call", "echo", "[1]")).isEqualTo(2);
    assertThat(err()).contains("must be a JSON object");
  }

  @Test
  void callReportsToolErrorsWithExitCodeOne() {
    assertThat(run(Map.of(), "call", "fail", "--arg", "mode=result")).isEqualTo(1);
    assertThat(out()).contains("The tool failed as asked.");
    assertThat(run(Map.of(), "call", "echo", "--arg", "repeat=99", "--arg", "text=x")).isEqualTo(1);
    assertThat(out()).contains("repeat");
    assertThat(run(Map.of(), "call", "nope")).isEqualTo(1);
    assertThat(err()).contains("Unknown tool: nope");
  }

  @Test
  void callPrintsRawJsonOnRequest() throws Exception {
    assertThat(run(Map.of(), "call", "add", "--arg", "a=1", "--arg", "b=2", "--raw")).isZero();
    assertThat(JsonRpc.MAPPER.readTree(out()).at("/structuredContent/sum").asDouble())
        .isEqualTo(3.0);
  }

  @Test
  void usageAndConfigurationErrorsExitWithTwo() {
    assertThat(run(Map.of(), "--no-such-option")).isEqualTo(2);
    assertThat(err()).contains("--no-such-option");
    assertThat(run(Map.of("TENKI_MCP_PORT", "seventy"), "--http")).isEqualTo(2);
    assertThat(err()).contains("--port / TENKI_MCP_PORT").contains("seventy");
    assertThat(run(Map.of(), "call", "echo", "--arg", "novalue")).isEqualTo(2);
    assertThat(run(Map.of(), "call", "echo", "--json", "[1]")).isEqualTo(2);
  }

  @Test
  void helpListsEveryOptionWithItsEnvironmentVariable() {
    assertThat(run(Map.of(), "--help")).isZero();
    assertThat(out())
        .contains(
            "--http",
            "--sandbox-memory",
            "TENKI_MCP_SANDBOX_MEMORY",
            "--http-token-file",
            "TENKI_AUTH_TOKEN",
            "tools",
            "call");
  }

  @Test
  void refusesToServeBeyondLoopbackWithoutAToken() {
    assertThat(run(Map.of(), "--http", "--host", "0.0.0.0", "--port", "0")).isEqualTo(2);
    assertThat(err()).contains("without a bearer token");
    assertThat(tools.closed).isTrue();
  }

  @Test
  void theShippedToolSourceListsTheSandboxToolsWithoutStartingASandbox() {
    int exit =
        new McpServerCli(
                EnvironmentSource.of(Map.of()),
                ToolSources::create,
                new ByteArrayInputStream(new byte[0]),
                out,
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run("tools");
    assertThat(exit).isZero();
    assertThat(out()).contains("run_command", "run_code", "read_file", "expose_port");
  }

  @Test
  void callRunsASandboxToolOnTheEmbeddedEngineAndPrintsTheResult() {
    int exit =
        new McpServerCli(
                EnvironmentSource.of(Map.of()),
                ToolSources::create,
                new ByteArrayInputStream(new byte[0]),
                out,
                new PrintStream(err, true, StandardCharsets.UTF_8))
            .run("call", "run_command", "--arg", "command=echo hello-from-the-sandbox; whoami");
    assertThat(exit).as(err()).isZero();
    assertThat(out()).contains("hello-from-the-sandbox", "tenki");
  }
}
