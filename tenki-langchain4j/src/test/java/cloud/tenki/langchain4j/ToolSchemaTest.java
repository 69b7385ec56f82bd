package cloud.tenki.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.ToolSelection;
import cloud.tenki.sandbox.agent.ToolSpec;
import cloud.tenki.sandbox.fake.FakeTenki;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolSpecification;
import dev.langchain4j.agent.tool.ToolSpecifications;
import dev.langchain4j.model.chat.request.json.JsonArraySchema;
import dev.langchain4j.model.chat.request.json.JsonBooleanSchema;
import dev.langchain4j.model.chat.request.json.JsonEnumSchema;
import dev.langchain4j.model.chat.request.json.JsonIntegerSchema;
import dev.langchain4j.model.chat.request.json.JsonObjectSchema;
import dev.langchain4j.model.chat.request.json.JsonSchemaElement;
import dev.langchain4j.model.chat.request.json.JsonStringSchema;
import dev.langchain4j.service.AiServices;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The tools LangChain4j presents are the catalog's: the {@code @Tool} methods as LangChain4j
 * derives them, and the tool provider's specifications, for every selection. No sandbox is started:
 * these tests only look at what the model is offered.
 */
class ToolSchemaTest {
  private static final ObjectMapper JSON = new ObjectMapper();

  private FakeTenki fake;
  private TenkiClient client;

  interface Assistant {
    String chat(String message);
  }

  @BeforeEach
  void start() {
    fake = FakeTenki.inProcess();
    client = TenkiClient.builder().endpoint(fake.endpoint()).token(fake.token).build();
  }

  @AfterEach
  void stop() {
    client.close();
    fake.close();
  }

  private TenkiLangChain4j tenki(Consumer<cloud.tenki.sandbox.agent.SandboxToolkit.Builder> c) {
    return TenkiLangChain4j.builder().client(client).configureToolkit(c).build();
  }

  @Test
  void toolMethodsAsLangChain4jDerivesThemEqualTheCatalog() {
    try (TenkiLangChain4j tenki = tenki(t -> {})) {
      // from the class, not sandboxTools(): that refuses to hand out methods that differ
      List<ToolSpecification> derived =
          ToolSpecifications.toolSpecificationsFrom(TenkiSandboxTools.class);
      List<ToolSpec> catalog = tenki.toolkit().tools();

      assertThat(derived)
          .extracting(ToolSpecification::name)
          .containsExactlyInAnyOrderElementsOf(catalog.stream().map(ToolSpec::name).toList());
      assertThat(catalog)
          .extracting(ToolSpec::name)
          .containsExactlyElementsOf(ToolSelection.STANDARD.enabledNames());
      for (ToolSpec spec : catalog) {
        ToolSpecification d =
            derived.stream().filter(s -> s.name().equals(spec.name())).findFirst().orElseThrow();
        assertThat(d.description()).as(spec.name()).isEqualTo(spec.description());
        assertThat(parameters(d)).as(spec.name()).isEqualTo(parameters(spec));
      }
    }
  }

  @Test
  void toolProviderSpecificationsAreTheCatalogsJsonSchemas() throws Exception {
    List<ToolSelection> selections =
        List.of(
            ToolSelection.STANDARD,
            new ToolSelection(ToolSelection.Mode.READ_ONLY, Set.of()),
            new ToolSelection(ToolSelection.Mode.FULL, Set.of()),
            ToolSelection.STANDARD.disable("expose_port", "run_command"));
    for (ToolSelection selection : selections) {
      try (TenkiLangChain4j tenki =
          tenki(t -> t.selection(selection).defaultTimeout(Duration.ofMinutes(7)))) {
        List<ToolSpecification> offered = tenki.toolProvider().specifications();
        assertThat(offered)
            .extracting(ToolSpecification::name)
            .containsExactlyInAnyOrderElementsOf(selection.enabledNames())
            .containsExactlyElementsOf(
                tenki.toolkit().catalog().select(selection).stream().map(ToolSpec::name).toList());
        for (ToolSpecification s : offered) {
          ToolSpec spec = tenki.toolkit().catalog().tool(s.name());
          assertThat(s.description()).isEqualTo(spec.description());
          JsonNode parameters = JSON.readTree(s.toJson()).get("parameters");
          assertThat(parameters).as(s.name()).isEqualTo(withoutEmptyRequired(spec.inputSchema()));
          assertThat(parameters(s)).as(s.name()).isEqualTo(parameters(spec));
        }
      }
    }
  }

  @Test
  void theToolProviderDocumentsCustomLimits() {
    try (TenkiLangChain4j tenki = tenki(t -> t.defaultTimeout(Duration.ofMinutes(7)))) {
      ToolSpecification runCode = tenki.toolProvider().specifications().get(0);
      assertThat(runCode.name()).isEqualTo("run_code");
      assertThat(runCode.toJson()).contains("Default 420, at most 1800.");
    }
  }

  @Test
  void toolMethodsAreRefusedWhenTheyWouldMisdescribeTheToolkit() {
    List<Consumer<cloud.tenki.sandbox.agent.SandboxToolkit.Builder>> others =
        List.of(
            t -> t.selection(new ToolSelection(ToolSelection.Mode.READ_ONLY, Set.of())),
            t -> t.selection(new ToolSelection(ToolSelection.Mode.FULL, Set.of())),
            t -> t.selection(ToolSelection.STANDARD.disable("expose_port")),
            t -> t.defaultTimeout(Duration.ofMinutes(5)),
            t -> t.maxExtension(Duration.ofMinutes(30)));
    for (Consumer<cloud.tenki.sandbox.agent.SandboxToolkit.Builder> other : others) {
      try (TenkiLangChain4j tenki = tenki(other)) {
        assertThatThrownBy(tenki::sandboxTools)
            .isInstanceOf(IllegalStateException.class)
            .hasMessageContaining("toolProvider()");
      }
    }
  }

  @Test
  void theModelIsOfferedExactlyTheSelectedTools() {
    ScriptedChatModel model = new ScriptedChatModel().answer("ok").answer("ok");
    try (TenkiLangChain4j readOnly =
            tenki(t -> t.selection(new ToolSelection(ToolSelection.Mode.READ_ONLY, Set.of())));
        TenkiLangChain4j standard = tenki(t -> {})) {
      AiServices.builder(Assistant.class)
          .chatModel(model)
          .toolProvider(readOnly.toolProvider())
          .build()
          .chat("hi");
      AiServices.builder(Assistant.class)
          .chatModel(model)
          .tools(standard.sandboxTools())
          .build()
          .chat("hi");
    }
    assertThat(model.requests().get(0).toolSpecifications())
        .extracting(ToolSpecification::name)
        .containsExactly("read_file", "list_files", "sandbox_status");
    assertThat(model.requests().get(1).toolSpecifications())
        .extracting(ToolSpecification::name)
        .containsExactlyInAnyOrderElementsOf(ToolSelection.STANDARD.enabledNames());
  }

  /**
   * The schema as JSON, without an empty {@code required} list or {@code properties} object (which
   * LangChain4j leaves out when it writes a schema: absent means the same).
   */
  private static JsonNode withoutEmptyRequired(String schema) throws Exception {
    com.fasterxml.jackson.databind.node.ObjectNode node =
        (com.fasterxml.jackson.databind.node.ObjectNode) JSON.readTree(schema);
    for (String key : List.of("required", "properties")) {
      if (node.get(key).isEmpty()) {
        node.remove(key);
      }
    }
    return node;
  }

  /** Name, type, required, allowed values and description of each catalog parameter, in order. */
  private static List<List<Object>> parameters(ToolSpec spec) {
    return spec.parameters().stream()
        .map(
            p ->
                List.<Object>of(
                    p.name(),
                    p.type() == ToolSpec.Type.STRING_ARRAY
                        ? "array of string"
                        : p.type().jsonType(),
                    p.required(),
                    p.allowedValues(),
                    p.description()))
        .toList();
  }

  /** The same for a LangChain4j specification (whose schema elements are typed or raw JSON). */
  private static List<List<Object>> parameters(ToolSpecification spec) {
    JsonObjectSchema schema = spec.parameters();
    if (schema == null) {
      return List.of();
    }
    return schema.properties().entrySet().stream()
        .map(
            e ->
                List.<Object>of(
                    e.getKey(),
                    type(e.getValue()),
                    schema.required().contains(e.getKey()),
                    e.getValue() instanceof JsonEnumSchema en ? en.enumValues() : List.of(),
                    description(e.getValue())))
        .toList();
  }

  private static String type(JsonSchemaElement e) {
    if (e instanceof JsonStringSchema || e instanceof JsonEnumSchema) {
      return "string";
    } else if (e instanceof JsonIntegerSchema) {
      return "integer";
    } else if (e instanceof JsonBooleanSchema) {
      return "boolean";
    } else if (e instanceof JsonArraySchema a && a.items() instanceof JsonStringSchema) {
      return "array of string";
    } else if (e instanceof JsonObjectSchema) {
      return "object";
    } else if (e instanceof dev.langchain4j.model.chat.request.json.JsonRawSchema raw) {
      // ranges and map value types are kept as raw JSON Schema
      Map<?, ?> m = read(raw.schema());
      Object items = m.get("items");
      return "array".equals(m.get("type")) && items instanceof Map<?, ?> i
          ? "array of " + i.get("type")
          : String.valueOf(m.get("type"));
    }
    return e.getClass().getSimpleName();
  }

  private static String description(JsonSchemaElement e) {
    if (e instanceof dev.langchain4j.model.chat.request.json.JsonRawSchema raw) {
      return String.valueOf(read(raw.schema()).get("description"));
    }
    return e.description();
  }

  private static Map<?, ?> read(String json) {
    try {
      return JSON.readValue(json, Map.class);
    } catch (Exception ex) {
      throw new AssertionError(ex);
    }
  }
}
