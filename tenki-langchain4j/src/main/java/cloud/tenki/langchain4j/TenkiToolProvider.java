package cloud.tenki.langchain4j;

import cloud.tenki.sandbox.agent.ToolResult;
import cloud.tenki.sandbox.agent.ToolSpec;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.service.tool.ToolExecutionResult;
import dev.langchain4j.service.tool.ToolExecutor;
import dev.langchain4j.service.tool.ToolProvider;
import dev.langchain4j.service.tool.ToolProviderRequest;
import dev.langchain4j.service.tool.ToolProviderResult;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The toolkit's selected tools as a LangChain4j {@link ToolProvider}, for {@code
 * AiServices.builder(...).toolProvider(...)}: the way to offer a read-only set, the power-user set,
 * a set with tools disabled, or tools whose documentation reflects custom limits.
 *
 * <p>Each {@link ToolSpecification} is built from the catalog's JSON Schema as is, so ranges
 * ({@code minimum}/{@code maximum}), enums and the types of map values reach the model exactly as
 * the toolkit checks them. Each tool's {@link ToolExecutor} passes the chat memory id as the
 * conversation key and the raw JSON arguments to the toolkit, which validates them: malformed or
 * invalid arguments, failures and limits come back to the model as error results ({@link
 * ToolExecutionResult#isError()}) with a short message, never as exceptions.
 *
 * <pre>{@code
 * TenkiLangChain4j tenki = TenkiLangChain4j.builder()
 *     .configureToolkit(t -> t.selection(new ToolSelection(ToolSelection.Mode.READ_ONLY, Set.of())))
 *     .build();
 * Assistant assistant = AiServices.builder(Assistant.class)
 *     .chatModel(model)
 *     .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(30))
 *     .toolProvider(tenki.toolProvider())
 *     .build();
 * }</pre>
 *
 * <p>Immutable and thread-safe; the tools are built once and shared by every invocation.
 */
public final class TenkiToolProvider implements ToolProvider {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final ToolProviderResult tools;
  private final List<ToolSpecification> specifications;

  TenkiToolProvider(ToolCalls calls) {
    ToolProviderResult.Builder b = ToolProviderResult.builder();
    for (ToolSpec spec : calls.toolkit().tools()) {
      b.add(specification(spec), new Executor(calls, spec.name()));
    }
    this.tools = b.build();
    this.specifications = List.copyOf(tools.tools().keySet());
  }

  @Override
  public ToolProviderResult provideTools(ToolProviderRequest request) {
    return tools;
  }

  /** The tool specifications offered, in catalog order. */
  public List<ToolSpecification> specifications() {
    return specifications;
  }

  /** A LangChain4j specification from the catalog's name, description and input schema. */
  static ToolSpecification specification(ToolSpec spec) {
    ObjectNode json = JSON.createObjectNode();
    json.put("name", spec.name());
    json.put("description", spec.description());
    try {
      json.set("parameters", JSON.readTree(spec.inputSchema()));
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("the catalog's schema of " + spec.name() + " is not JSON", e);
    }
    return ToolSpecification.fromJson(json.toString());
  }

  /** Runs one tool through the toolkit in the conversation of the invocation's memory id. */
  private static final class Executor implements ToolExecutor {
    private final ToolCalls calls;
    private final String tool;

    Executor(ToolCalls calls, String tool) {
      this.calls = calls;
      this.tool = tool;
    }

    @Override
    public ToolExecutionResult executeWithContext(
        ToolExecutionRequest request, InvocationContext context) {
      Object memoryId = context == null ? null : context.chatMemoryId();
      Map<String, Object> args;
      try {
        args = arguments(request.arguments());
      } catch (JsonProcessingException | IllegalArgumentException e) {
        return ToolExecutionResult.builder()
            .isError(true)
            .resultText(
                "The arguments of "
                    + tool
                    + " are not a JSON object; pass them as one, for example {\"path\":"
                    + " \"notes.txt\"}.")
            .build();
      }
      return calls.executionResult(calls.call(memoryId, tool, args), context);
    }

    @Override
    public String execute(ToolExecutionRequest request, Object memoryId) {
      // the string-only entry point: images are named in the text
      InvocationContext context = InvocationContext.builder().chatMemoryId(memoryId).build();
      ToolExecutionResult result = executeWithContext(request, context);
      return result.result() instanceof ToolResult r
          ? calls.text(r)
          : ToolCalls.text(result.resultContents());
    }

    @SuppressWarnings("unchecked")
    private static Map<String, Object> arguments(String raw) throws JsonProcessingException {
      if (raw == null || raw.isBlank()) {
        return Map.of();
      }
      JsonNode node = JSON.readTree(raw);
      if (node == null || node.isNull()) {
        return Map.of();
      }
      if (!node.isObject()) {
        throw new IllegalArgumentException("not an object");
      }
      return JSON.convertValue(node, LinkedHashMap.class);
    }
  }
}
