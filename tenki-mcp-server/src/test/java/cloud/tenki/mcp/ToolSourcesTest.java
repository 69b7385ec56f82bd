package cloud.tenki.mcp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.mcp.config.ConfigLoader;
import cloud.tenki.mcp.config.EnvironmentSource;
import cloud.tenki.mcp.config.McpServerConfig;
import cloud.tenki.mcp.config.Setting;
import cloud.tenki.mcp.tool.McpToolSource;
import cloud.tenki.mcp.tool.ToolDefinition;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import cloud.tenki.sandbox.agent.ToolSelection;
import cloud.tenki.sandbox.agent.ToolSpec;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** What the server lists is exactly what the toolkit it creates will run. */
class ToolSourcesTest {

  private static McpServerConfig config(Map<String, String> env) {
    return ConfigLoader.load(Map.of(), EnvironmentSource.of(env));
  }

  private static List<String> names(McpToolSource source) {
    return source.tools().stream().map(ToolDefinition::name).toList();
  }

  @Test
  void listedToolsMatchTheToolkitBuiltWithTheSameSettings() {
    McpServerConfig config = config(Map.of());
    try (McpToolSource source = ToolSources.create(config);
        TenkiClient client =
            TenkiClient.builder()
                .environment(Map.of())
                .endpoint("http://127.0.0.1:9")
                .token("unused")
                .build();
        SandboxToolkit toolkit =
            SandboxToolkit.builder()
                .client(client)
                .defaultTimeout(config.toolkit().defaultTimeout())
                .maxTimeout(config.toolkit().maxTimeout())
                .maxExtension(ToolSources.MAX_EXTENSION)
                .build()) {
      List<ToolSpec> expected = toolkit.tools();
      assertThat(names(source))
          .containsExactlyElementsOf(expected.stream().map(ToolSpec::name).toList());
      for (int i = 0; i < expected.size(); i++) {
        ToolDefinition listed = source.tools().get(i);
        ToolSpec spec = expected.get(i);
        assertThat(listed.description()).isEqualTo(spec.description());
        assertThat(listed.inputSchema().toString().replace(" ", ""))
            .isEqualTo(spec.inputSchema().replace(" ", ""));
      }
    }
  }

  @Test
  void readOnlyAndDisabledToolsShapeTheList() {
    String readOnly = Setting.READ_ONLY.environment().get(0);
    try (McpToolSource source = ToolSources.create(config(Map.of(readOnly, "true")))) {
      assertThat(names(source))
          .containsExactlyElementsOf(
              new ToolSelection(ToolSelection.Mode.READ_ONLY, java.util.Set.of()).enabledNames());
    }
    String disabled = Setting.DISABLED_TOOLS.environment().get(0);
    try (McpToolSource source = ToolSources.create(config(Map.of(disabled, "run_code")))) {
      assertThat(names(source)).doesNotContain("run_code").contains("run_command");
    }
    assertThatThrownBy(() -> ToolSources.create(config(Map.of(disabled, "run_everything"))))
        .hasMessageContaining("run_everything");
  }
}
