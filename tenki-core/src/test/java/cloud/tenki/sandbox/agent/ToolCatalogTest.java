package cloud.tenki.sandbox.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ToolCatalogTest {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final ToolCatalog CATALOG =
      ToolCatalog.create(Duration.ofMinutes(2), Duration.ofMinutes(30), Duration.ofHours(1));

  @Test
  void everySchemaIsAnObjectSchemaThatParses() throws Exception {
    for (ToolSpec tool : CATALOG.all()) {
      JsonNode input = JSON.readTree(tool.inputSchema());
      assertThat(input.path("type").asText()).as(tool.name()).isEqualTo("object");
      assertThat(input.path("additionalProperties").asBoolean(true)).isFalse();
      List<String> names = new ArrayList<>();
      input.path("properties").fieldNames().forEachRemaining(names::add);
      assertThat(names)
          .as(tool.name())
          .containsExactlyElementsOf(
              tool.parameters().stream().map(ToolSpec.Parameter::name).toList());
      for (JsonNode required : input.path("required")) {
        assertThat(tool.parameter(required.asText()).required()).isTrue();
      }
      JsonNode output = JSON.readTree(tool.outputSchema());
      assertThat(output.path("type").asText()).as(tool.name()).isEqualTo("object");
      for (JsonNode required : output.path("required")) {
        assertThat(output.path("properties").has(required.asText()))
            .as("%s output requires a declared property %s", tool.name(), required)
            .isTrue();
      }
      assertThat(output.path("properties").has("note")).as(tool.name()).isTrue();
    }
  }

  @Test
  void namesAndDescriptionsAreFitForAModel() {
    for (ToolSpec tool : CATALOG.all()) {
      assertThat(tool.name()).matches("[a-z][a-z_]*[a-z]");
      assertThat(tool.description()).hasSizeGreaterThan(40).doesNotContain("TODO");
      for (ToolSpec.Parameter p : tool.parameters()) {
        assertThat(p.name()).matches("[a-z][a-z_]*[a-z]");
        assertThat(p.description()).as(tool.name() + "." + p.name()).isNotBlank();
      }
    }
  }

  @Test
  void limitsAppearInTheSchemaTheModelReads() throws Exception {
    JsonNode timeout =
        JSON.readTree(CATALOG.tool(ToolNames.RUN_COMMAND).inputSchema())
            .path("properties")
            .path("timeout_seconds");
    assertThat(timeout.path("maximum").asLong()).isEqualTo(1800);
    assertThat(timeout.path("description").asText()).contains("Default 120", "at most 1800");
    JsonNode minutes =
        JSON.readTree(CATALOG.tool(ToolNames.EXTEND_SANDBOX).inputSchema())
            .path("properties")
            .path("minutes");
    assertThat(minutes.path("maximum").asLong()).isEqualTo(60);
  }

  @Test
  void selectionsOfferTheRightTools() {
    assertThat(CATALOG.select(new ToolSelection(ToolSelection.Mode.READ_ONLY, Set.of())))
        .extracting(ToolSpec::name)
        .containsExactly(ToolNames.READ_FILE, ToolNames.LIST_FILES, ToolNames.SANDBOX_STATUS);
    assertThat(CATALOG.select(ToolSelection.STANDARD))
        .extracting(ToolSpec::name)
        .contains(ToolNames.RUN_COMMAND, ToolNames.EXPOSE_PORT, ToolNames.RESTART_SANDBOX)
        .doesNotContain(ToolNames.RESET_SANDBOX, ToolNames.UNEXPOSE_PORT);
    assertThat(CATALOG.select(new ToolSelection(ToolSelection.Mode.FULL, Set.of())))
        .hasSize(CATALOG.all().size());
    assertThat(CATALOG.select(ToolSelection.STANDARD.disable(ToolNames.RUN_CODE)))
        .extracting(ToolSpec::name)
        .doesNotContain(ToolNames.RUN_CODE)
        .contains(ToolNames.RUN_COMMAND);
    // read-only mode offers nothing that changes the sandbox
    assertThat(CATALOG.select(new ToolSelection(ToolSelection.Mode.READ_ONLY, Set.of())))
        .allMatch(t -> t.annotations().readOnly());
  }

  @Test
  void unknownDisabledToolIsRejectedWithItsName() {
    assertThatThrownBy(() -> ToolSelection.STANDARD.disable("run_everything"))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("run_everything");
  }

  @Test
  void impossibleTimeoutsAreRejected() {
    assertThatThrownBy(
            () ->
                ToolCatalog.create(
                    Duration.ofMinutes(10), Duration.ofMinutes(5), Duration.ofHours(1)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("defaultTimeout");
  }

  @Test
  void instructionsTeachTheEssentials() {
    assertThat(CATALOG.instructions())
        .contains("/home/tenki", "background", "expose_port", "read_file", "extend_sandbox");
  }
}
