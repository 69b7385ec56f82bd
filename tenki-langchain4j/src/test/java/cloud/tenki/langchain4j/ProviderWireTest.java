package cloud.tenki.langchain4j;

import static cloud.tenki.langchain4j.ToolResultsTest.json;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.sandbox.TenkiClient;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.exception.UnsupportedFeatureException;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.util.Base64;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import okhttp3.mockwebserver.MockResponse;
import okhttp3.mockwebserver.MockWebServer;
import okhttp3.mockwebserver.RecordedRequest;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The real OpenAI and Anthropic modules of LangChain4j, with their HTTP APIs played by a mock
 * server: what they send is what the provider would receive. The plot a tool makes reaches
 * Anthropic as an image block and OpenAI's Chat Completions API (which takes text only) as text;
 * the tool schemas arrive with their ranges.
 */
class ProviderWireTest {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static TenkiClient client;
  private MockWebServer server;
  private TenkiLangChain4j tenki;

  @BeforeAll
  static void startEngine() {
    client = TenkiClient.builder().environment(Map.of()).localEngine().build();
  }

  @AfterAll
  static void stopEngine() {
    client.close();
  }

  @BeforeEach
  void start() throws Exception {
    server = new MockWebServer();
    server.start();
    tenki = TenkiLangChain4j.builder().client(client).build();
  }

  @AfterEach
  void stop() throws Exception {
    tenki.close();
    server.shutdown();
  }

  private static String plotArguments() {
    return json(Map.of("language", "python", "code", ImagesTest.MAKE_PNG));
  }

  @Test
  void anthropicReceivesThePlotAsAnImageBlock() throws Exception {
    Map<String, Object> toolUse =
        Map.of(
            "type", "tool_use",
            "id", "toolu_1",
            "name", "run_code",
            "input", JSON.readValue(plotArguments(), Map.class));
    ChatModel model =
        AnthropicChatModel.builder()
            .baseUrl(server.url("/v1/").toString())
            .apiKey("test-key")
            .modelName("claude-test")
            .build();

    for (Faces face : Faces.values()) {
      server.enqueue(json200(anthropicMessage(toolUse, "tool_use")));
      server.enqueue(json200(anthropicMessage(Map.of("type", "text", "text", "Red."), "end_turn")));

      assertThat(face.assistant(tenki, model).chat("olga-" + face, "plot")).isEqualTo("Red.");
      JsonNode first = body(server.takeRequest(10, TimeUnit.SECONDS));
      JsonNode second = body(server.takeRequest(10, TimeUnit.SECONDS));

      JsonNode timeout =
          tool(first.get("tools"), "name", "run_code")
              .at("/input_schema/properties/timeout_seconds");
      assertThat(timeout.get("type").asText()).isEqualTo("integer");
      if (face == Faces.TOOL_PROVIDER) {
        // @Tool parameters cannot carry ranges; the provider's schemas do
        assertThat(timeout.get("maximum").asLong()).isEqualTo(1800L);
      }
      JsonNode result = second.at("/messages/2/content/0");
      assertThat(result.get("type").asText()).isEqualTo("tool_result");
      assertThat(result.at("/content/0/text").asText()).contains("plotted");
      JsonNode image = result.at("/content/1");
      assertThat(image.get("type").asText()).as(face.toString()).isEqualTo("image");
      assertThat(image.at("/source/media_type").asText()).isEqualTo("image/png");
      assertThat(Base64.getDecoder().decode(image.at("/source/data").asText()))
          .startsWith(0x89, 'P', 'N', 'G');
    }
  }

  @Test
  void openAiChatCompletionsReceivesThePlotAsText() throws Exception {
    Map<String, Object> call =
        Map.of(
            "id", "call_1",
            "type", "function",
            "function", Map.of("name", "run_code", "arguments", plotArguments()));
    ChatModel model =
        OpenAiChatModel.builder()
            .baseUrl(server.url("/v1").toString())
            .apiKey("test-key")
            .modelName("gpt-test")
            .build();

    for (Faces face : Faces.values()) {
      server.enqueue(json200(openAiCompletion(Map.of("tool_calls", java.util.List.of(call)))));
      server.enqueue(json200(openAiCompletion(Map.of("content", "A red square."))));

      assertThat(face.assistant(tenki, model).chat("pia-" + face, "plot"))
          .isEqualTo("A red square.");
      server.takeRequest(10, TimeUnit.SECONDS);
      JsonNode second = body(server.takeRequest(10, TimeUnit.SECONDS));

      JsonNode toolMessage = tool(second.get("messages"), "role", "tool");
      assertThat(toolMessage.get("content").isTextual()).as(face.toString()).isTrue();
      assertThat(toolMessage.get("content").asText())
          .contains("plotted")
          .contains("saved to /home/tenki/output/plot.png");
    }
  }

  @Test
  void openAiChatCompletionsRejectsImagesWhichIsWhyAutoSendsItText() throws Exception {
    Map<String, Object> call =
        Map.of(
            "id", "call_1",
            "type", "function",
            "function", Map.of("name", "run_code", "arguments", plotArguments()));
    server.enqueue(json200(openAiCompletion(Map.of("tool_calls", java.util.List.of(call)))));
    ChatModel model =
        OpenAiChatModel.builder()
            .baseUrl(server.url("/v1").toString())
            .apiKey("test-key")
            .modelName("gpt-test")
            .build();
    try (TenkiLangChain4j forced =
        TenkiLangChain4j.builder().client(client).imageMode(ImageMode.IMAGES).build()) {
      assertThatThrownBy(() -> Faces.TOOL_PROVIDER.assistant(forced, model).chat("quinn", "plot"))
          .isInstanceOf(UnsupportedFeatureException.class)
          .hasMessageContaining("non-text content in tool results");
    }
  }

  private static Map<String, Object> anthropicMessage(Map<String, ?> content, String stop) {
    return Map.of(
        "id",
        "msg_" + stop,
        "type",
        "message",
        "role",
        "assistant",
        "model",
        "claude-test",
        "content",
        java.util.List.of(content),
        "stop_reason",
        stop,
        "usage",
        Map.of("input_tokens", 1, "output_tokens", 1));
  }

  private static Map<String, Object> openAiCompletion(Map<String, Object> message) {
    Map<String, Object> m = new java.util.LinkedHashMap<>(message);
    m.put("role", "assistant");
    return Map.of(
        "id",
        "chatcmpl-1",
        "object",
        "chat.completion",
        "created",
        1,
        "model",
        "gpt-test",
        "choices",
        java.util.List.of(
            Map.of(
                "index",
                0,
                "message",
                m,
                "finish_reason",
                message.containsKey("tool_calls") ? "tool_calls" : "stop")),
        "usage",
        Map.of("prompt_tokens", 1, "completion_tokens", 1, "total_tokens", 2));
  }

  private static MockResponse json200(Object body) throws Exception {
    return new MockResponse()
        .setResponseCode(200)
        .setHeader("Content-Type", "application/json")
        .setBody(JSON.writeValueAsString(body));
  }

  private static JsonNode body(RecordedRequest r) throws Exception {
    assertThat(r).as("the model module sent a request").isNotNull();
    return JSON.readTree(r.getBody().readUtf8());
  }

  private static JsonNode tool(JsonNode array, String field, String value) {
    for (JsonNode n : array) {
      if (value.equals(n.path(field).asText())) {
        return n;
      }
    }
    throw new AssertionError("no element with " + field + "=" + value + " in " + array);
  }
}
