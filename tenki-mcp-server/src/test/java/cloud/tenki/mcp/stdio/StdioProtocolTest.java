package cloud.tenki.mcp.stdio;

import static cloud.tenki.mcp.testing.StdioHarness.json;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.testing.McpLineClient;
import cloud.tenki.mcp.testing.StdioHarness;
import com.fasterxml.jackson.databind.JsonNode;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The protocol rules of the engine, exercised through the stdio transport in this JVM. */
class StdioProtocolTest {

  private StdioHarness harness;
  private McpLineClient client;

  @BeforeEach
  void start() throws Exception {
    harness = new StdioHarness(builder -> builder.pageSize(5), 64 * 1024, Duration.ofSeconds(10));
    client = harness.client;
  }

  @AfterEach
  void stop() throws Exception {
    harness.close();
    assertThat(client.invalidLines).as("lines that are not JSON").isEmpty();
  }

  @ParameterizedTest
  @ValueSource(strings = {"2025-11-25", "2025-06-18", "2025-03-26"})
  void answersWithTheClientsRevisionWhenSupported(String version) throws Exception {
    JsonNode result = client.initialize(version);
    assertThat(result.get("protocolVersion").asText()).isEqualTo(version);
    assertThat(result.at("/capabilities/tools").isObject()).isTrue();
    assertThat(result.at("/capabilities/logging").isObject()).isTrue();
    assertThat(result.at("/serverInfo/name").asText()).isEqualTo("tenki-mcp-server");
    assertThat(result.get("instructions").asText()).isEqualTo("Use the test tools.");
  }

  @Test
  void answersWithItsLatestRevisionForAnUnknownOne() throws Exception {
    assertThat(client.initialize("2024-11-05").get("protocolVersion").asText())
        .isEqualTo("2025-11-25");
  }

  @Test
  void anIdMayBeReusedAsSoonAsItsResponseArrives() throws Exception {
    client.initialize("2025-11-25");
    for (int i = 0; i < 200; i++) {
      client.sendRaw(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":"
              + "{\"name\":\"echo\",\"arguments\":{\"text\":\"n"
              + i
              + "\"}}}");
      JsonNode response = client.awaitResponse(json("1"));
      assertThat(response.has("result")).as("call %d: %s", i, response).isTrue();
    }
  }

  @Test
  void initializeNeedsAProtocolVersionAndHappensOnce() throws Exception {
    assertThat(errorCode(client.request("initialize", json("{}")))).isEqualTo(-32602);
    client.initialize("2025-11-25");
    assertThat(
            errorCode(client.request("initialize", json("{\"protocolVersion\":\"2025-11-25\"}"))))
        .isEqualTo(-32600);
  }

  @Test
  void theFirstToolListingLetsTheSourceGetReadyForCalls() throws Exception {
    client.initialize("2025-11-25");
    assertThat(harness.tools.prepared).as("after initialize").hasValue(0);
    client.result("tools/list", json("{}"));
    // on a thread of its own, after the answer
    long deadline = System.nanoTime() + java.util.concurrent.TimeUnit.SECONDS.toNanos(10);
    while (harness.tools.prepared.get() == 0 && System.nanoTime() < deadline) {
      Thread.sleep(5);
    }
    assertThat(harness.tools.prepared).as("after the first listing").hasValue(1);
    client.result("tools/list", json("{}"));
    client.result("tools/call", json("{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"}}"));
    Thread.sleep(100);
    assertThat(harness.tools.prepared).as("only once").hasValue(1);
  }

  @Test
  void pingWorksBeforeInitializeButToolsDoNot() throws Exception {
    assertThat(client.result("ping", null)).isEqualTo(json("{}"));
    assertThat(errorCode(client.request("tools/list", null))).isEqualTo(-32600);
    assertThat(errorCode(client.request("tools/call", json("{\"name\":\"echo\"}"))))
        .isEqualTo(-32600);
  }

  @Test
  void listsToolsInPagesWithOpaqueCursors() throws Exception {
    client.initialize("2025-11-25");
    List<String> names = new ArrayList<>();
    JsonNode page = client.result("tools/list", json("{}"));
    int pages = 1;
    while (true) {
      assertThat(page.get("tools").size()).isLessThanOrEqualTo(5);
      page.get("tools").forEach(tool -> names.add(tool.get("name").asText()));
      if (!page.has("nextCursor")) {
        break;
      }
      String cursor = page.get("nextCursor").asText();
      page = client.result("tools/list", json("{\"cursor\":\"" + cursor + "\"}"));
      pages++;
    }
    assertThat(pages).isEqualTo(3);
    assertThat(names).hasSize(harness.tools.tools().size()).doesNotHaveDuplicates();
    assertThat(errorCode(client.request("tools/list", json("{\"cursor\":\"bogus\"}"))))
        .isEqualTo(-32602);
  }

  @Test
  void describesToolsWithTitlesSchemasAndAnnotations() throws Exception {
    client.initialize("2025-11-25");
    JsonNode add = findTool("add");
    assertThat(add.get("title").asText()).isEqualTo("Add");
    assertThat(add.at("/inputSchema/required").toString()).isEqualTo("[\"a\",\"b\"]");
    assertThat(add.at("/outputSchema/properties/sum/type").asText()).isEqualTo("number");
    assertThat(add.get("annotations"))
        .isEqualTo(
            json(
                "{\"readOnlyHint\":true,\"destructiveHint\":false,\"idempotentHint\":true,"
                    + "\"openWorldHint\":false}"));
    assertThat(findTool("bad_output").has("annotations")).isFalse();
  }

  @Test
  void revision20250326GetsTitleInAnnotationsAndNoOutputSchema() throws Exception {
    client.initialize("2025-03-26");
    JsonNode add = findTool("add");
    assertThat(add.has("title")).isFalse();
    assertThat(add.has("outputSchema")).isFalse();
    assertThat(add.at("/annotations/title").asText()).isEqualTo("Add");
    JsonNode result = call("add", "{\"a\":1,\"b\":2}");
    assertThat(result.has("structuredContent")).isFalse();
    assertThat(json(result.at("/content/0/text").asText())).isEqualTo(json("{\"sum\":3.0}"));
  }

  @Test
  void callsReturnTextImagesAndStructuredContent() throws Exception {
    client.initialize("2025-11-25");
    JsonNode echo = call("echo", "{\"text\":\"hi\",\"repeat\":2}");
    assertThat(echo)
        .isEqualTo(json("{\"content\":[{\"type\":\"text\",\"text\":\"hihi\"}],\"isError\":false}"));
    JsonNode image = call("image", "{}");
    assertThat(image.at("/content/0/type").asText()).isEqualTo("image");
    assertThat(image.at("/content/0/mimeType").asText()).isEqualTo("image/png");
    assertThat(image.at("/content/0/data").asText()).startsWith("iVBORw0KGgo");
    JsonNode add = call("add", "{\"a\":1.5,\"b\":2}");
    assertThat(add.get("structuredContent")).isEqualTo(json("{\"sum\":3.5}"));
    assertThat(json(add.at("/content/0/text").asText())).isEqualTo(json("{\"sum\":3.5}"));
    assertThat(add.get("isError").asBoolean()).isFalse();
  }

  @Test
  void argumentsAreCheckedAgainstTheInputSchemaAsToolErrorsNamingTheField() throws Exception {
    client.initialize("2025-11-25");
    JsonNode wrongType = call("echo", "{\"text\":5}");
    assertThat(wrongType.get("isError").asBoolean()).isTrue();
    assertThat(wrongType.at("/content/0/text").asText()).contains("text").contains("string");
    JsonNode missing = call("echo", "{}");
    assertThat(missing.get("isError").asBoolean()).isTrue();
    assertThat(missing.at("/content/0/text").asText()).contains("text");
    JsonNode extra = call("echo", "{\"text\":\"a\",\"colour\":\"red\"}");
    // an unknown name is answered with the names the tool takes, so the next try can succeed
    assertThat(extra.at("/content/0/text").asText())
        .contains("'colour'")
        .endsWith("; the arguments are: text, repeat");
    assertThat(missing.at("/content/0/text").asText()).doesNotContain("the arguments are");
    JsonNode range = call("echo", "{\"text\":\"a\",\"repeat\":11}");
    assertThat(range.at("/content/0/text").asText()).contains("repeat");
    JsonNode ref = call("json_schema_2020_12_tool", "{\"address\":{\"city\":7}}");
    assertThat(ref.get("isError").asBoolean()).isTrue();
    assertThat(ref.at("/content/0/text").asText()).contains("city");
    assertThat(harness.tools.calls).isEmpty();
  }

  @Test
  void malformedCallsAreProtocolErrors() throws Exception {
    client.initialize("2025-11-25");
    assertThat(errorCode(client.request("tools/call", json("{\"name\":\"nope\"}"))))
        .isEqualTo(-32602);
    assertThat(errorCode(client.request("tools/call", json("{}")))).isEqualTo(-32602);
    assertThat(errorCode(client.request("tools/call", json("{\"name\":7}")))).isEqualTo(-32602);
    assertThat(
            errorCode(client.request("tools/call", json("{\"name\":\"echo\",\"arguments\":[1]}"))))
        .isEqualTo(-32602);
    assertThat(errorCode(client.request("resources/list", json("{}")))).isEqualTo(-32601);
    assertThat(errorCode(client.request("no/such/method", null))).isEqualTo(-32601);
  }

  @Test
  void brokenMessagesGetErrorsAndTheServerKeepsServing() throws Exception {
    client.initialize("2025-11-25");
    client.sendRaw("{not json");
    assertError(client.nextResponse(), -32700, true);
    client.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"} trailing");
    assertError(client.nextResponse(), -32700, true);
    client.sendRaw("[1,2");
    assertError(client.nextResponse(), -32700, true);
    client.sendRaw("\"just a string\"");
    assertError(client.nextResponse(), -32600, true);
    client.sendRaw("{\"id\":5,\"method\":\"ping\"}");
    assertThat(errorCode(client.awaitResponse(json("5")))).isEqualTo(-32600);
    client.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"ping\"}");
    assertError(client.nextResponse(), -32600, true);
    client.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\",\"params\":[1]}");
    assertThat(errorCode(client.awaitResponse(json("6")))).isEqualTo(-32602);
    client.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":42}");
    assertThat(errorCode(client.awaitResponse(json("7")))).isEqualTo(-32600);
    client.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":\"s\",\"method\":\"ping\"}");
    assertThat(client.awaitResponse(json("\"s\"")).get("result")).isEqualTo(json("{}"));
  }

  @Test
  void notificationsAndClientResponsesAreNeverAnswered() throws Exception {
    client.initialize("2025-11-25");
    client.notify("notifications/whatever", json("{}"));
    client.sendRaw("{\"jsonrpc\":\"2.0\",\"id\":99,\"result\":{}}");
    client.sendRaw("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":[]}");
    JsonNode pong = client.request("ping", null);
    assertThat(pong.get("result")).isEqualTo(json("{}"));
    assertThat(client.unclaimed()).isEmpty();
  }

  @Test
  void oversizedMessagesAreRefusedWithoutStoppingTheServer() throws Exception {
    client.initialize("2025-11-25");
    String huge =
        "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
            + "\"arguments\":{\"text\":\""
            + "x".repeat(200_000)
            + "\"}}}";
    client.sendRaw(huge);
    JsonNode error = client.nextResponse();
    assertError(error, -32600, true);
    assertThat(error.at("/error/message").asText()).contains("65536");
    assertThat(call("echo", "{\"text\":\"still here\"}").at("/content/0/text").asText())
        .isEqualTo("still here");
  }

  @Test
  void toolFailuresReachTheModelWithoutInternals() throws Exception {
    client.initialize("2025-11-25");
    JsonNode asResult = call("fail", "{\"mode\":\"result\"}");
    assertThat(asResult.get("isError").asBoolean()).isTrue();
    assertThat(asResult.at("/content/0/text").asText()).isEqualTo("The tool failed as asked.");
    JsonNode thrown = call("fail", "{\"mode\":\"throw\"}");
    assertThat(thrown.get("isError").asBoolean()).isTrue();
    assertThat(thrown.toString()).doesNotContain("secret").doesNotContain("Exception");
    JsonNode badOutput = call("bad_output", "{}");
    assertThat(badOutput.get("isError").asBoolean()).isTrue();
    assertThat(badOutput.has("structuredContent")).isFalse();
  }

  @Test
  void logMessagesHonourTheClientsLevel() throws Exception {
    client.initialize("2025-11-25");
    assertThat(errorCode(client.request("logging/setLevel", json("{\"level\":\"loud\"}"))))
        .isEqualTo(-32602);
    assertThat(client.result("logging/setLevel", json("{\"level\":\"warning\"}")))
        .isEqualTo(json("{}"));
    call("test_tool_with_logging", "{}");
    assertThat(messages("notifications/message")).isEmpty();
    client.result("logging/setLevel", json("{\"level\":\"debug\"}"));
    call("test_tool_with_logging", "{}");
    List<JsonNode> logs = messages("notifications/message");
    assertThat(logs).hasSize(3);
    assertThat(logs.get(0).at("/params/level").asText()).isEqualTo("info");
    assertThat(logs.get(0).at("/params/data").asText()).isEqualTo("Tool execution started");
  }

  @Test
  void progressIsStreamedWithTheClientsTokenOnlyWhenAskedFor() throws Exception {
    client.initialize("2025-11-25");
    call("slow", "{\"steps\":3,\"stepMillis\":1}");
    assertThat(messages("notifications/progress")).isEmpty();
    JsonNode result =
        client.result(
            "tools/call",
            json(
                "{\"name\":\"slow\",\"arguments\":{\"steps\":3,\"stepMillis\":1},"
                    + "\"_meta\":{\"progressToken\":\"tok-1\"}}"));
    assertThat(result.at("/content/0/text").asText()).isEqualTo("slow finished 3 steps");
    List<JsonNode> progress = messages("notifications/progress");
    assertThat(progress).hasSize(3);
    for (int i = 0; i < 3; i++) {
      JsonNode params = progress.get(i).get("params");
      assertThat(params.get("progressToken")).isEqualTo(json("\"tok-1\""));
      assertThat(params.get("progress").asDouble()).isEqualTo(i + 1);
      assertThat(params.get("message").asText()).isEqualTo("step " + (i + 1) + " of 3");
    }
    client.result(
        "tools/call",
        json("{\"name\":\"test_tool_with_progress\",\"_meta\":{\"progressToken\":7}}"));
    List<JsonNode> numeric = messages("notifications/progress").subList(3, 6);
    assertThat(numeric).allSatisfy(n -> assertThat(n.at("/params/progressToken").isInt()).isTrue());
    assertThat(numeric.get(2).at("/params/total").asDouble()).isEqualTo(100);
  }

  @Test
  void cancellationStopsTheToolAndSuppressesTheResponse() throws Exception {
    client.initialize("2025-11-25");
    int id =
        client.send(
            "tools/call",
            json(
                "{\"name\":\"slow\",\"arguments\":{\"steps\":1000,\"stepMillis\":50},"
                    + "\"_meta\":{\"progressToken\":1}}"));
    client.awaitMessage(
        m -> "notifications/progress".equals(m.path("method").asText()), Duration.ofSeconds(10));
    assertThat(client.result("ping", null)).isEqualTo(json("{}"));
    assertThat(call("echo", "{\"text\":\"meanwhile\"}").at("/content/0/text").asText())
        .isEqualTo("meanwhile");
    client.notify(
        "notifications/cancelled", json("{\"requestId\":" + id + ",\"reason\":\"user\"}"));
    long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
    while (harness.tools.cancelledCalls.isEmpty() && System.nanoTime() < deadline) {
      Thread.sleep(10);
    }
    assertThat(harness.tools.cancelledCalls).hasSize(1);
    // a later request is answered, and nothing ever answers the cancelled one
    assertThat(client.result("ping", null)).isEqualTo(json("{}"));
    assertThat(client.unclaimed()).noneMatch(m -> m.has("id") && m.get("id").asInt() == id);
  }

  @Test
  void callsBeyondTheConcurrencyLimitAreRefusedAsToolErrors() throws Exception {
    try (StdioHarness small =
        new StdioHarness(b -> b.concurrency(1, 0), 64 * 1024, Duration.ofSeconds(10))) {
      McpLineClient narrow = small.client;
      narrow.initialize("2025-11-25");
      int running =
          narrow.send(
              "tools/call",
              json("{\"name\":\"slow\",\"arguments\":{\"steps\":1,\"stepMillis\":2000}}"));
      long deadline = System.nanoTime() + Duration.ofSeconds(10).toNanos();
      while (small.tools.calls.isEmpty() && System.nanoTime() < deadline) {
        Thread.sleep(5);
      }
      JsonNode refused =
          narrow.result("tools/call", json("{\"name\":\"echo\",\"arguments\":{\"text\":\"x\"}}"));
      assertThat(refused.get("isError").asBoolean()).isTrue();
      assertThat(refused.at("/content/0/text").asText()).contains("busy");
      assertThat(narrow.result("ping", null)).isEqualTo(json("{}"));
      JsonNode done = narrow.awaitResponse(json(String.valueOf(running)));
      assertThat(done.at("/result/content/0/text").asText()).isEqualTo("slow finished 1 steps");
    }
  }

  @Test
  void aRequestIdCannotBeReusedWhileItsCallRuns() throws Exception {
    client.initialize("2025-11-25");
    // the first call must still run when the second arrives: 2 s leave room for a busy machine
    String slow =
        "{\"jsonrpc\":\"2.0\",\"id\":\"dup\",\"method\":\"tools/call\","
            + "\"params\":{\"name\":\"slow\",\"arguments\":{\"steps\":2,\"stepMillis\":1000}}}";
    client.sendRaw(slow);
    client.sendRaw(slow);
    JsonNode first = client.awaitResponse(json("\"dup\""));
    JsonNode second = client.awaitResponse(json("\"dup\""));
    Set<Boolean> kinds = new HashSet<>(List.of(first.has("error"), second.has("error")));
    assertThat(kinds).containsExactlyInAnyOrder(true, false);
  }

  @Test
  void batchesOnlyInRevision20250326() throws Exception {
    client.initialize("2025-11-25");
    client.sendRaw("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
    assertError(client.nextResponse(), -32600, true);
  }

  @Test
  void batchesAreAnsweredAsOneArrayInRevision20250326() throws Exception {
    client.initialize("2025-03-26");
    client.sendRaw(
        "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"},"
            + "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"},"
            + "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
            + "\"arguments\":{\"text\":\"b\"}}},"
            + "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"nope\"}]");
    JsonNode batch = client.awaitMessage(JsonNode::isArray, Duration.ofSeconds(10));
    assertThat(batch).hasSize(3);
    Set<Integer> ids = new HashSet<>();
    batch.forEach(response -> ids.add(response.get("id").asInt()));
    assertThat(ids).containsExactlyInAnyOrder(1, 2, 3);
    client.sendRaw("[]");
    assertError(client.nextResponse(), -32600, true);
  }

  private JsonNode call(String tool, String arguments) throws Exception {
    return client.result(
        "tools/call", json("{\"name\":\"" + tool + "\",\"arguments\":" + arguments + "}"));
  }

  private JsonNode findTool(String name) throws Exception {
    for (JsonNode tool : client.result("tools/list", json("{}")).get("tools")) {
      if (tool.get("name").asText().equals(name)) {
        return tool;
      }
    }
    JsonNode next = client.result("tools/list", json("{}"));
    String cursor = next.path("nextCursor").asText(null);
    while (cursor != null) {
      next = client.result("tools/list", json("{\"cursor\":\"" + cursor + "\"}"));
      for (JsonNode tool : next.get("tools")) {
        if (tool.get("name").asText().equals(name)) {
          return tool;
        }
      }
      cursor = next.path("nextCursor").asText(null);
    }
    throw new AssertionError("no tool " + name);
  }

  private List<JsonNode> messages(String method) {
    return client.notifications.stream()
        .filter(n -> method.equals(n.path("method").asText()))
        .toList();
  }

  private static int errorCode(JsonNode response) {
    assertThat(response.has("error")).as("error expected in %s", response).isTrue();
    return response.at("/error/code").asInt();
  }

  private static void assertError(JsonNode response, int code, boolean nullId) {
    assertThat(errorCode(response)).as("code in %s", response).isEqualTo(code);
    if (nullId) {
      assertThat(response.get("id").isNull()).as("null id in %s", response).isTrue();
    }
  }
}
