package cloud.tenki.mcp.testing;

import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.tool.CallContext;
import cloud.tenki.mcp.tool.Content;
import cloud.tenki.mcp.tool.LogLevel;
import cloud.tenki.mcp.tool.McpToolSource;
import cloud.tenki.mcp.tool.ToolAnnotations;
import cloud.tenki.mcp.tool.ToolDefinition;
import cloud.tenki.mcp.tool.ToolResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Tools for testing the protocol layer (never shipped): echo, a slow tool that streams progress and
 * honours cancellation, an image, a structured result, failures, and the tools the MCP conformance
 * suite expects by name. Records what happened so tests can assert on it, and prints lifecycle
 * events to stderr ({@code test-tools: ...}) so tests of a server process can too.
 */
public final class TestTools implements McpToolSource {

  /** A 1x1 red PNG. */
  public static final String RED_PIXEL_PNG =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8DwHwAFBQIAX8jx0gAAAABJRU5ErkJggg==";

  public final ConcurrentLinkedQueue<String> calls = new ConcurrentLinkedQueue<>();
  public final ConcurrentLinkedQueue<String> endedConversations = new ConcurrentLinkedQueue<>();
  public final ConcurrentLinkedQueue<String> cancelledCalls = new ConcurrentLinkedQueue<>();
  public final AtomicBoolean closed = new AtomicBoolean();
  public final AtomicInteger prepared = new AtomicInteger();
  private final List<ToolDefinition> tools;

  public TestTools() {
    this.tools = definitions();
  }

  private static List<ToolDefinition> definitions() {
    return List.of(
        tool(
            "echo",
            "Echo",
            "Returns the text it is given.",
            "{\"type\":\"object\",\"properties\":{\"text\":{\"type\":\"string\"},"
                + "\"repeat\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":10}},"
                + "\"required\":[\"text\"],\"additionalProperties\":false}",
            null,
            ToolAnnotations.readOnly()),
        tool(
            "slow",
            "Slow",
            "Streams one progress message per step, then returns; cancellable.",
            "{\"type\":\"object\",\"properties\":{\"steps\":{\"type\":\"integer\",\"minimum\":0},"
                + "\"stepMillis\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":60000}},"
                + "\"additionalProperties\":false}",
            null,
            new ToolAnnotations(true, false, false, false)),
        tool(
            "image",
            "Image",
            "Returns a 1x1 red PNG.",
            "{\"type\":\"object\"}",
            null,
            ToolAnnotations.readOnly()),
        tool(
            "add",
            "Add",
            "Adds two numbers and returns a structured sum.",
            "{\"type\":\"object\",\"properties\":{\"a\":{\"type\":\"number\"},"
                + "\"b\":{\"type\":\"number\"}},\"required\":[\"a\",\"b\"]}",
            "{\"type\":\"object\",\"properties\":{\"sum\":{\"type\":\"number\"}},"
                + "\"required\":[\"sum\"]}",
            new ToolAnnotations(true, false, true, false)),
        tool(
            "fail",
            "Fail",
            "Fails: mode 'result' returns an error, 'throw' throws.",
            "{\"type\":\"object\",\"properties\":{\"mode\":{\"enum\":[\"result\",\"throw\"]}},"
                + "\"required\":[\"mode\"]}",
            null,
            new ToolAnnotations(false, true, false, true)),
        tool(
            "bad_output",
            null,
            "Returns structured content that violates its output schema.",
            "{\"type\":\"object\"}",
            "{\"type\":\"object\",\"properties\":{\"n\":{\"type\":\"integer\"}},\"required\":[\"n\"]}",
            ToolAnnotations.NONE),
        tool(
            "test_simple_text",
            null,
            "Conformance: simple text.",
            "{\"type\":\"object\"}",
            null,
            ToolAnnotations.NONE),
        tool(
            "test_image_content",
            null,
            "Conformance: image.",
            "{\"type\":\"object\"}",
            null,
            ToolAnnotations.NONE),
        tool(
            "test_tool_with_logging",
            null,
            "Conformance: logs three messages.",
            "{\"type\":\"object\"}",
            null,
            ToolAnnotations.NONE),
        tool(
            "test_error_handling",
            null,
            "Conformance: always fails.",
            "{\"type\":\"object\"}",
            null,
            ToolAnnotations.NONE),
        tool(
            "test_tool_with_progress",
            null,
            "Conformance: reports 0, 50, 100 of 100.",
            "{\"type\":\"object\"}",
            null,
            ToolAnnotations.NONE),
        tool(
            "json_schema_2020_12_tool",
            null,
            "Tool with JSON Schema 2020-12 features",
            "{\"$schema\":\"https://json-schema.org/draft/2020-12/schema\",\"type\":\"object\","
                + "\"$defs\":{\"address\":{\"type\":\"object\",\"properties\":{"
                + "\"street\":{\"type\":\"string\"},\"city\":{\"type\":\"string\"}}}},"
                + "\"properties\":{\"name\":{\"type\":\"string\"},"
                + "\"address\":{\"$ref\":\"#/$defs/address\"}},\"additionalProperties\":false}",
            null,
            ToolAnnotations.NONE));
  }

  private static ToolDefinition tool(
      String name,
      String title,
      String description,
      String input,
      String output,
      ToolAnnotations annotations) {
    return ToolDefinition.builder(name)
        .title(title)
        .description(description)
        .inputSchema(object(input))
        .outputSchema(output == null ? null : object(output))
        .annotations(annotations)
        .build();
  }

  private static ObjectNode object(String json) {
    try {
      return (ObjectNode) JsonRpc.MAPPER.readTree(json);
    } catch (JsonProcessingException e) {
      throw new IllegalArgumentException(e);
    }
  }

  @Override
  public List<ToolDefinition> tools() {
    return tools;
  }

  @Override
  public ToolResult call(
      String conversationKey, String toolName, JsonNode arguments, CallContext context)
      throws Exception {
    calls.add(conversationKey + " " + toolName);
    switch (toolName) {
      case "echo":
        {
          String text = arguments.get("text").asText();
          return ToolResult.text(text.repeat(arguments.path("repeat").asInt(1)));
        }
      case "slow":
        return slow(conversationKey, arguments, context);
      case "image":
      case "test_image_content":
        return ToolResult.of(List.of(new Content.Image(RED_PIXEL_PNG, "image/png")));
      case "add":
        {
          ObjectNode sum = JsonRpc.MAPPER.createObjectNode();
          sum.put("sum", arguments.get("a").asDouble() + arguments.get("b").asDouble());
          return ToolResult.structured(sum, null);
        }
      case "fail":
        if ("throw".equals(arguments.get("mode").asText())) {
          throw new IllegalStateException("secret internal detail that must not reach the model");
        }
        return ToolResult.error("The tool failed as asked.");
      case "bad_output":
        return ToolResult.structured(object("{\"n\":\"not a number\"}"), null);
      case "test_simple_text":
        return ToolResult.text("This is a simple text response for testing.");
      case "test_tool_with_logging":
        context.log(LogLevel.INFO, "Tool execution started");
        Thread.sleep(50);
        context.log(LogLevel.INFO, "Tool processing data");
        Thread.sleep(50);
        context.log(LogLevel.INFO, "Tool execution completed");
        return ToolResult.text("Logged three messages.");
      case "test_error_handling":
        return ToolResult.error("This tool intentionally returns an error for testing");
      case "test_tool_with_progress":
        context.progress(0, 100, null);
        Thread.sleep(50);
        context.progress(50, 100, null);
        Thread.sleep(50);
        context.progress(100, 100, null);
        return ToolResult.text("Progress reported.");
      case "json_schema_2020_12_tool":
        return ToolResult.text("Received " + arguments);
      default:
        throw new IllegalArgumentException("no such tool " + toolName);
    }
  }

  private ToolResult slow(String conversationKey, JsonNode arguments, CallContext context)
      throws InterruptedException {
    int steps = arguments.path("steps").asInt(3);
    long stepMillis = arguments.path("stepMillis").asLong(100);
    CountDownLatch cancelled = new CountDownLatch(1);
    try (CallContext.Registration registration =
        context.onCancel(
            () -> {
              cancelledCalls.add(conversationKey);
              System.err.println("test-tools: cancelled slow");
              cancelled.countDown();
            })) {
      for (int step = 1; step <= steps; step++) {
        context.progress("step " + step + " of " + steps);
        if (cancelled.await(stepMillis, TimeUnit.MILLISECONDS)) {
          return ToolResult.error("cancelled");
        }
      }
    }
    return ToolResult.text("slow finished " + steps + " steps");
  }

  @Override
  public void prepare() {
    prepared.incrementAndGet();
  }

  @Override
  public void conversationEnded(String conversationKey) {
    endedConversations.add(conversationKey);
    System.err.println("test-tools: conversation ended " + conversationKey);
  }

  @Override
  public void close() {
    closed.set(true);
    System.err.println("test-tools: closed");
  }
}
