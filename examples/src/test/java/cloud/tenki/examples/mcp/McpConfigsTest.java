package cloud.tenki.examples.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each stdio configuration in {@code examples/mcp/} starts the server: the exact command line it
 * names (with the path of the launcher script, or of the jar, substituted by this build's)
 * completes an MCP handshake and lists the sandbox tools.
 */
class McpConfigsTest {
  static final String PLACEHOLDER_JAR = "/opt/tenki/tenki-mcp-server.jar";
  static final String PLACEHOLDER_LAUNCHER = "/opt/tenki/tenki-mcp-server";
  static final Path CONFIGS = Path.of("mcp");
  private static final Duration PATIENCE = Duration.ofSeconds(60);

  @TempDir Path temp;

  @Test
  void claudeDesktopStartsTheServer() throws Exception {
    JsonNode server = json("claude-desktop/claude_desktop_config.json").at("/mcpServers/tenki");
    assertStarts(command(server), env(server), true);
  }

  @Test
  void cursorStartsTheServer() throws Exception {
    JsonNode server = json("cursor/mcp.json").at("/mcpServers/tenki");
    assertStarts(command(server), env(server), false);
  }

  @Test
  void codexStartsTheServer() throws Exception {
    JsonNode server = new TomlMapper().readTree(CONFIGS.resolve("codex/config.toml").toFile());
    JsonNode tenki = server.at("/mcp_servers/tenki");
    assertThat(tenki.isMissingNode()).as("[mcp_servers.tenki] in codex/config.toml").isFalse();
    assertStarts(command(tenki), env(tenki), false);
  }

  @Test
  void claudeCodeStartsTheServer() throws Exception {
    List<String> add =
        ConfigFiles.claudeMcpAdd(CONFIGS.resolve("claude-code/add-tenki.sh"), "tenki");
    int dashes = add.indexOf("--");
    assertThat(dashes).as("`claude mcp add tenki -- <command>`").isPositive();
    assertStarts(substituteJar(add.subList(dashes + 1, add.size())), Map.of(), false);
  }

  private void assertStarts(List<String> command, Map<String, String> env, boolean callATool)
      throws Exception {
    assertThat(command).as("the configured command").contains(launcher().toString());
    Path stderr = temp.resolve("stderr.txt");
    try (McpStdioSession mcp = new McpStdioSession(command, env, stderr)) {
      JsonNode init =
          mcp.request(
              "initialize",
              Map.of(
                  "protocolVersion", "2025-11-25",
                  "capabilities", Map.of(),
                  "clientInfo", Map.of("name", "examples-config-test", "version", "1")),
              PATIENCE);
      assertThat(init.path("protocolVersion").asText()).isEqualTo("2025-11-25");
      assertThat(init.path("serverInfo").path("name").asText()).isNotBlank();
      mcp.notify("notifications/initialized");

      JsonNode tools = mcp.request("tools/list", Map.of(), PATIENCE);
      List<String> names = new ArrayList<>();
      tools.path("tools").forEach(t -> names.add(t.path("name").asText()));
      assertThat(names).contains("run_code", "run_command", "read_file", "write_file");

      if (callATool) {
        JsonNode result =
            mcp.request(
                "tools/call",
                Map.of(
                    "name",
                    "run_command",
                    "arguments",
                    Map.of("command", "echo from-the-sandbox-$((6 * 7)) as $(whoami)")),
                Duration.ofSeconds(120));
        assertThat(result.path("isError").asBoolean(false)).as(result.toString()).isFalse();
        assertThat(result.path("content").get(0).path("text").asText())
            .contains("from-the-sandbox-42 as tenki");
      }
      assertThat(mcp.closeAndWait(PATIENCE)).as(Files.readString(stderr)).isZero();
    }
  }

  static List<String> command(JsonNode server) {
    List<String> argv = new ArrayList<>();
    argv.add(server.path("command").asText());
    server.path("args").forEach(a -> argv.add(a.asText()));
    assertThat(argv.get(0)).as("command").isNotBlank();
    return substituteJar(argv);
  }

  static Map<String, String> env(JsonNode server) {
    Map<String, String> env = new HashMap<>();
    server.path("env").fields().forEachRemaining(e -> env.put(e.getKey(), e.getValue().asText()));
    return env;
  }

  static List<String> substituteJar(List<String> argv) {
    return argv.stream()
        .map(
            a ->
                switch (a) {
                  case PLACEHOLDER_JAR -> jar().toString();
                  case PLACEHOLDER_LAUNCHER -> launcher().toString();
                  default -> a;
                })
        .toList();
  }

  static JsonNode json(String file) throws IOException {
    return McpStdioSession.JSON.readTree(CONFIGS.resolve(file).toFile());
  }

  /** The launcher script this build wrote beside the jar (what the configurations run). */
  static Path launcher() {
    Path launcher = jar().resolveSibling("tenki-mcp-server");
    assertThat(launcher).as("the launcher beside the server jar").isExecutable();
    return launcher;
  }

  /** The server jar this build made (the module README's {@code target/tenki-mcp-server.jar}). */
  static Path jar() {
    Path jar = Path.of(System.getProperty("tenki.mcp.jar", "")).toAbsolutePath();
    assertThat(jar)
        .as("the server jar; build with -am so tenki-mcp-server is packaged first")
        .isRegularFile();
    return jar;
  }
}
