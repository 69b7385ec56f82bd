package cloud.tenki.mcp.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.testing.ServerProcess;
import cloud.tenki.sandbox.TenkiClient;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.File;
import java.io.InputStreamReader;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The shipped server as a real process in HTTP mode: its sandboxes live on a standalone local
 * engine (another process), so what the server leaves behind is checked on the engine's side.
 */
class HttpServerProcessTest {

  private static final String ECHO_HI = "{\"command\":\"echo hi\"}";

  @TempDir Path tmp;

  @Test
  void sigtermClosesEverySessionsSandboxOnTheEngine() throws Exception {
    Process engine = startEngine();
    try (TenkiClient engineSide = TenkiClient.builder().endpoint(readEndpoint(engine)).build();
        ServerProcess server =
            ServerProcess.startShipped(
                List.of("--http", "--port", "0"), Map.of("TENKI_API_ENDPOINT", engineEndpoint))) {
      URI endpoint = listeningOn(server);
      for (String who : List.of("alice", "bob")) { // two sessions, two conversations
        McpHttpClient client = new McpHttpClient(endpoint, null);
        client.initialize();
        JsonNode result = client.callTool("run_command", ECHO_HI);
        assertThat(result.at("/structuredContent/stdout").asText()).as(who).isEqualTo("hi\n");
      }
      assertThat(engineSide.sandboxes().list().count()).as("sandboxes on the engine").isEqualTo(2);

      server.process.toHandle().destroy(); // SIGTERM
      server.awaitExit(Duration.ofSeconds(60));

      assertThat(engineSide.sandboxes().list().count())
          .as("sandboxes left on the engine after SIGTERM; server stderr %s", server.stderr)
          .isZero();
    } finally {
      stop(engine);
    }
  }

  @Test
  void nonLoopbackBindWithoutATokenRefusesToStart() throws Exception {
    try (ServerProcess server =
        ServerProcess.startShipped(
            List.of("--http", "--host", "0.0.0.0", "--port", "0"), Map.of())) {
      assertThat(server.awaitExit(Duration.ofSeconds(60))).isEqualTo(2);
      assertThat(server.stderr)
          .anyMatch(l -> l.contains("refusing to listen on 0.0.0.0 without a bearer token"));
      assertThat(server.stderr).noneMatch(l -> l.contains("listening on"));
    }
  }

  @Test
  void nonLoopbackBindWithATokenRequiresTheBearerToken() throws Exception {
    String token = "t0ken-" + System.nanoTime();
    try (ServerProcess server =
        ServerProcess.startShipped(
            List.of("--http", "--host", "0.0.0.0", "--port", "0"),
            Map.of("TENKI_MCP_HTTP_TOKEN", token))) {
      URI listening = listeningOn(server);
      URI endpoint = URI.create("http://127.0.0.1:" + listening.getPort() + listening.getPath());
      String init =
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"0\"}}}";
      assertThat(new McpHttpClient(endpoint, null).status(init)).isEqualTo(401);
      assertThat(new McpHttpClient(endpoint, "wrong").status(init)).isEqualTo(401);
      JsonNode result = new McpHttpClient(endpoint, token).initialize();
      assertThat(result.path("protocolVersion").asText()).isEqualTo("2025-11-25");
      assertThat(String.join("\n", server.stderr)).doesNotContain(token);
    }
  }

  private String engineEndpoint;

  private Process startEngine() throws Exception {
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return new ProcessBuilder(
            java,
            "-XX:TieredStopAtLevel=1",
            "-cp",
            classPath,
            "cloud.tenki.engine.cli.EngineMain",
            "--port",
            "0",
            "--state-dir",
            tmp.resolve("engine").toString())
        .redirectError(tmp.resolve("engine.err").toFile())
        .start();
  }

  private String readEndpoint(Process engine) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(engine.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    assertThat(line).as("engine printed its endpoint").startsWith("TENKI_API_ENDPOINT=");
    engineEndpoint = line.substring("TENKI_API_ENDPOINT=".length());
    return engineEndpoint;
  }

  private static URI listeningOn(ServerProcess server) throws InterruptedException {
    String line = server.awaitStderr("listening on ", Duration.ofSeconds(60));
    return URI.create(line.substring(line.indexOf("listening on ") + "listening on ".length()));
  }

  private static void stop(Process engine) throws InterruptedException {
    engine.destroy();
    if (!engine.waitFor(30, TimeUnit.SECONDS)) {
      engine.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
    }
  }
}
