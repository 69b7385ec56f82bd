package cloud.tenki.mcp.toolkit;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.ToolSources;
import cloud.tenki.mcp.config.ConfigLoader;
import cloud.tenki.mcp.config.EnvironmentSource;
import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.testing.McpLineClient;
import cloud.tenki.mcp.testing.StdioHarness;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The shipped wiring ({@link ToolSources#create}) over stdio, with no Tenki token: the real toolkit
 * on the embedded local engine, with real isolated sandboxes.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class ToolkitOverStdioTest {

  private StdioHarness harness;
  private McpLineClient client;

  @BeforeAll
  void start() throws Exception {
    var config = ConfigLoader.load(Map.of(), EnvironmentSource.of(Map.of()));
    harness =
        new StdioHarness(ToolSources.create(config), b -> {}, 1 << 20, Duration.ofSeconds(10));
    client = harness.client;
    client.initialize("2025-11-25");
  }

  @AfterAll
  void stop() throws Exception {
    if (harness != null) {
      harness.close();
    }
  }

  private static ObjectNode args(Object... keyValues) {
    ObjectNode node = JsonRpc.MAPPER.createObjectNode();
    for (int i = 0; i < keyValues.length; i += 2) {
      node.set((String) keyValues[i], JsonRpc.MAPPER.valueToTree(keyValues[i + 1]));
    }
    return node;
  }

  private JsonNode call(String tool, ObjectNode arguments) throws Exception {
    return client.result(
        "tools/call",
        JsonRpc.MAPPER.createObjectNode().put("name", tool).set("arguments", arguments));
  }

  private static String text(JsonNode result) {
    StringBuilder sb = new StringBuilder();
    for (JsonNode item : result.path("content")) {
      if (item.path("type").asText().equals("text")) {
        sb.append(item.path("text").asText());
      }
    }
    return sb.toString();
  }

  @Test
  void listsTheCatalogsStandardToolsWithSchemasAndAnnotations() throws Exception {
    JsonNode tools = client.result("tools/list", JsonRpc.MAPPER.createObjectNode()).path("tools");
    List<String> names = new ArrayList<>();
    tools.forEach(t -> names.add(t.path("name").asText()));
    assertThat(names)
        .contains("run_command", "run_code", "read_file", "write_file", "edit_file", "expose_port")
        .doesNotContain("reset_sandbox");
    for (JsonNode tool : tools) {
      assertThat(tool.path("inputSchema").path("type").asText()).isEqualTo("object");
      assertThat(tool.path("outputSchema").path("type").asText()).isEqualTo("object");
      assertThat(tool.path("annotations").has("readOnlyHint")).isTrue();
      assertThat(tool.path("description").asText()).isNotBlank();
    }
  }

  @Test
  void filesAndCommandsShareOneSandboxForTheConversation() throws Exception {
    JsonNode written =
        call("write_file", args("path", "notes/hello.txt", "content", "hello from mcp\n"));
    assertThat(written.path("isError").asBoolean()).isFalse();
    assertThat(written.path("structuredContent").path("size_bytes").asLong()).isEqualTo(15);

    JsonNode run =
        call("run_command", args("command", "cat notes/hello.txt; echo oops >&2; exit 3"));
    assertThat(run.path("isError").asBoolean()).as("a non-zero exit is a result").isFalse();
    JsonNode structured = run.path("structuredContent");
    assertThat(structured.path("exit_code").asInt()).isEqualTo(3);
    assertThat(structured.path("stdout").asText()).isEqualTo("hello from mcp\n");
    assertThat(structured.path("stderr").asText()).isEqualTo("oops\n");
    assertThat(text(run)).contains("hello from mcp", "oops", "3");

    JsonNode read = call("read_file", args("path", "/home/tenki/notes/hello.txt"));
    assertThat(read.path("structuredContent").path("content").asText())
        .isEqualTo("hello from mcp\n");
  }

  @Test
  void progressNotificationsCarryTheStreamedOutput() throws Exception {
    ObjectNode params =
        JsonRpc.MAPPER
            .createObjectNode()
            .put("name", "run_command")
            .<ObjectNode>set(
                "arguments", args("command", "for i in 1 2 3; do echo line-$i; sleep 0.2; done"))
            .set("_meta", JsonRpc.MAPPER.createObjectNode().put("progressToken", "tok-1"));
    JsonNode result = client.result("tools/call", params);
    assertThat(result.path("structuredContent").path("stdout").asText())
        .isEqualTo("line-1\nline-2\nline-3\n");
    StringBuilder streamed = new StringBuilder();
    for (JsonNode n : client.notifications) {
      if (n.path("method").asText().equals("notifications/progress")
          && n.path("params").path("progressToken").asText().equals("tok-1")) {
        streamed.append(n.path("params").path("message").asText());
      }
    }
    assertThat(streamed.toString()).contains("line-1", "line-2", "line-3");
  }

  @Test
  void cancellationKillsTheRunningCommand() throws Exception {
    int id =
        client.send(
            "tools/call",
            JsonRpc.MAPPER
                .createObjectNode()
                .put("name", "run_command")
                .set("arguments", args("command", "echo $$ > victim.pid; exec sleep 60")));
    // wait until the command runs, then cancel it
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    while (!text(call("run_command", args("command", "test -s victim.pid && echo yes")))
        .contains("yes")) {
      assertThat(System.nanoTime()).as("the command started").isLessThan(deadline);
      Thread.sleep(100);
    }
    client.notify(
        "notifications/cancelled",
        JsonRpc.MAPPER.createObjectNode().put("requestId", id).put("reason", "test"));
    String alive = "";
    while (System.nanoTime() < deadline) {
      alive =
          call(
                  "run_command",
                  args(
                      "command",
                      "kill -0 $(cat victim.pid) 2>/dev/null && echo alive || echo gone"))
              .path("structuredContent")
              .path("stdout")
              .asText();
      if (alive.startsWith("gone")) {
        break;
      }
      Thread.sleep(100);
    }
    assertThat(alive).startsWith("gone");
  }

  @Test
  void invalidArgumentsAreAToolErrorNamingTheField() throws Exception {
    JsonNode result = call("run_command", args("command", "true", "timeout_seconds", "soon"));
    assertThat(result.path("isError").asBoolean()).isTrue();
    assertThat(text(result)).contains("timeout_seconds");
  }

  @Test
  void imagesWrittenByCodeComeBackAsImageContent() throws Exception {
    String code =
        """
        import os, struct, zlib
        def chunk(kind, data):
            body = kind + data
            return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))
        w, h = 4, 3
        raw = b''.join(b'\\x00' + b'\\xff\\x00\\x00' * w for _ in range(h))
        png = (b'\\x89PNG\\r\\n\\x1a\\n' + chunk(b'IHDR', struct.pack('>IIBBBBB', w, h, 8, 2, 0, 0, 0))
               + chunk(b'IDAT', zlib.compress(raw)) + chunk(b'IEND', b''))
        with open(os.path.join(os.environ['TENKI_OUTPUT_DIR'], 'red.png'), 'wb') as f:
            f.write(png)
        print('saved')
        """;
    JsonNode result = call("run_code", args("language", "python", "code", code));
    assertThat(result.path("isError").asBoolean()).as(result.toString()).isFalse();
    JsonNode image = null;
    for (JsonNode item : result.path("content")) {
      if (item.path("type").asText().equals("image")) {
        image = item;
      }
    }
    assertThat(image).as("image content in %s", result).isNotNull();
    assertThat(image.path("mimeType").asText()).isEqualTo("image/png");
    byte[] png = Base64.getDecoder().decode(image.path("data").asText());
    assertThat(png).startsWith(0x89, 'P', 'N', 'G');
    assertThat(result.path("structuredContent").path("images").get(0).path("path").asText())
        .endsWith("red.png");
  }
}
