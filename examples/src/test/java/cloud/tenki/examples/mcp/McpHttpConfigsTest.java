package cloud.tenki.examples.mcp;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.dataformat.toml.TomlMapper;
import java.io.File;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each Streamable HTTP configuration in {@code examples/mcp/} reaches a server started as the
 * module README says ({@code --http}, bearer token in {@code TENKI_MCP_HTTP_TOKEN}): the URL and
 * the Authorization header it configures complete an MCP handshake and list the tools. The server
 * listens on a free port here; the configurations name the documented default, 8765.
 */
class McpHttpConfigsTest {
  static final String DOCUMENTED_URL = "http://127.0.0.1:8765/mcp";
  private static final Pattern LISTENING = Pattern.compile("listening on (http://\\S+)");
  private static final HttpClient HTTP = HttpClient.newHttpClient();

  @TempDir Path temp;
  private final String token = UUID.randomUUID().toString();
  private Process server;
  private URI endpoint;

  @BeforeEach
  void startServer() throws Exception {
    Path log = temp.resolve("server.log");
    ProcessBuilder pb =
        new ProcessBuilder("java", "-jar", McpConfigsTest.jar().toString(), "--http", "--port", "0")
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .redirectInput(new File("/dev/null"));
    pb.environment().keySet().removeIf(k -> k.startsWith("TENKI_"));
    pb.environment().put("TENKI_MCP_HTTP_TOKEN", token);
    server = pb.start();
    endpoint = URI.create(awaitListening(log));
  }

  @AfterEach
  void stopServer() throws Exception {
    if (server != null) {
      server.destroy();
      if (!server.waitFor(30, TimeUnit.SECONDS)) {
        server.destroyForcibly();
      }
    }
  }

  @Test
  void theDocumentedUrlIsTheModuleReadmes() throws Exception {
    assertThat(Files.readString(Path.of("../tenki-mcp-server/README.md"))).contains(DOCUMENTED_URL);
    assertThat(post(endpoint.toString(), Optional.empty(), null, initialize()).statusCode())
        .as("no token")
        .isEqualTo(401);
  }

  @Test
  void cursor() throws Exception {
    JsonNode s = McpConfigsTest.json("cursor/mcp.json").at("/mcpServers/tenki-http");
    String auth =
        ConfigFiles.expand(
            s.at("/headers/Authorization").asText(), Map.of("TENKI_MCP_HTTP_TOKEN", token));
    assertHandshake(s.path("url").asText(), auth);
  }

  @Test
  void codex() throws Exception {
    JsonNode toml =
        new TomlMapper().readTree(McpConfigsTest.CONFIGS.resolve("codex/config.toml").toFile());
    JsonNode s = toml.at("/mcp_servers/tenki-http");
    assertThat(s.path("bearer_token_env_var").asText()).isEqualTo("TENKI_MCP_HTTP_TOKEN");
    assertHandshake(s.path("url").asText(), "Bearer " + token);
  }

  @Test
  void claudeCode() throws Exception {
    List<String> add =
        ConfigFiles.claudeMcpAdd(
            McpConfigsTest.CONFIGS.resolve("claude-code/add-tenki.sh"), "tenki-http");
    assertThat(add).containsSequence("--transport", "http");
    String url = add.get(add.indexOf("tenki-http") + 1);
    String header = add.get(add.indexOf("--header") + 1);
    assertThat(header).startsWith("Authorization: ");
    String auth =
        ConfigFiles.expand(
            header.substring("Authorization: ".length()), Map.of("TENKI_MCP_HTTP_TOKEN", token));
    assertHandshake(url, auth);
  }

  /** Claude Desktop reaches HTTP servers through the mcp-remote bridge; its arguments are used. */
  @Test
  void claudeDesktopThroughMcpRemote() throws Exception {
    JsonNode s =
        McpConfigsTest.json("claude-desktop/claude_desktop_config.json")
            .at("/mcpServers/tenki-http");
    List<String> args = new ArrayList<>();
    s.path("args").forEach(a -> args.add(a.asText()));
    assertThat(args).contains("mcp-remote");
    String header = args.get(args.indexOf("--header") + 1);
    assertThat(header).startsWith("Authorization:");
    assertThat(s.at("/env/AUTH_HEADER").asText()).startsWith("Bearer ");
    String auth =
        ConfigFiles.expand(
            header.substring("Authorization:".length()), Map.of("AUTH_HEADER", "Bearer " + token));
    assertHandshake(args.get(args.indexOf("mcp-remote") + 1), auth);
  }

  private void assertHandshake(String configuredUrl, String authorization) throws Exception {
    assertThat(configuredUrl).isEqualTo(DOCUMENTED_URL);
    String url = configuredUrl.replace(":8765/", ":" + endpoint.getPort() + "/");
    HttpResponse<String> init = post(url, Optional.empty(), authorization, initialize());
    assertThat(init.statusCode()).as(init.body()).isEqualTo(200);
    String session = init.headers().firstValue("Mcp-Session-Id").orElseThrow();
    assertThat(message(init).at("/result/protocolVersion").asText()).isEqualTo("2025-11-25");

    String initialized = "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}";
    assertThat(post(url, Optional.of(session), authorization, initialized).statusCode())
        .isEqualTo(202);
    String list = "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}";
    HttpResponse<String> tools = post(url, Optional.of(session), authorization, list);
    assertThat(tools.statusCode()).as(tools.body()).isEqualTo(200);
    List<String> names = new ArrayList<>();
    message(tools).at("/result/tools").forEach(t -> names.add(t.path("name").asText()));
    assertThat(names).contains("run_code", "run_command");
  }

  private static String initialize() {
    return "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{"
        + "\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
        + "\"clientInfo\":{\"name\":\"examples-config-test\",\"version\":\"1\"}}}";
  }

  private static HttpResponse<String> post(
      String url, Optional<String> session, String authorization, String body) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(url))
            .timeout(Duration.ofSeconds(30))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    session.ifPresent(
        id -> b.header("Mcp-Session-Id", id).header("MCP-Protocol-Version", "2025-11-25"));
    if (authorization != null) {
      b.header("Authorization", authorization);
    }
    return HTTP.send(b.build(), HttpResponse.BodyHandlers.ofString());
  }

  /** The JSON-RPC answer in a response, sent as JSON or as an event stream. */
  private static JsonNode message(HttpResponse<String> r) throws Exception {
    String type = r.headers().firstValue("Content-Type").orElse("");
    if (!type.startsWith("text/event-stream")) {
      return McpStdioSession.JSON.readTree(r.body());
    }
    for (String line : r.body().split("\n")) {
      if (line.startsWith("data:")) {
        JsonNode msg = McpStdioSession.JSON.readTree(line.substring(5));
        if (msg.has("id")) {
          return msg;
        }
      }
    }
    throw new AssertionError("no answer in the event stream: " + r.body());
  }

  private String awaitListening(Path log) throws Exception {
    Instant deadline = Instant.now().plusSeconds(60);
    while (Instant.now().isBefore(deadline)) {
      Matcher m = LISTENING.matcher(Files.readString(log));
      if (m.find()) {
        return m.group(1);
      }
      if (!server.isAlive()) {
        throw new AssertionError("the server exited: " + Files.readString(log));
      }
      Thread.sleep(100);
    }
    throw new AssertionError("the server did not start listening: " + Files.readString(log));
  }
}
