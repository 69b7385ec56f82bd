package cloud.tenki.mcp;

import cloud.tenki.mcp.config.McpServerConfig;
import cloud.tenki.mcp.config.SandboxTemplate;
import cloud.tenki.mcp.config.TenkiConnection;
import cloud.tenki.mcp.config.ToolkitSettings;
import cloud.tenki.mcp.tool.McpToolSource;
import cloud.tenki.mcp.toolkit.ToolkitToolSource;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.OutputBudget;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import cloud.tenki.sandbox.agent.ToolCatalog;
import cloud.tenki.sandbox.agent.ToolSelection;
import java.time.Duration;

/**
 * Creates the tool source the server runs with: the sandbox agent toolkit from tenki-core, behind
 * {@link ToolkitToolSource}, configured from the server's settings.
 */
public final class ToolSources {

  /** The most one extend_sandbox call adds (the toolkit's default). */
  static final Duration MAX_EXTENSION = Duration.ofHours(1);

  private ToolSources() {}

  /**
   * The tool source for this configuration. Nothing is started here: the Tenki client (or the
   * embedded local engine when no token and no endpoint are configured) and the toolkit are created
   * once a client has listed the tools, in the background, or by the first tool call.
   *
   * @throws IllegalArgumentException if the configuration names an unknown tool to disable
   */
  public static McpToolSource create(McpServerConfig config) {
    ToolkitSettings settings = config.toolkit();
    ToolSelection selection =
        new ToolSelection(
            settings.readOnly() ? ToolSelection.Mode.READ_ONLY : ToolSelection.Mode.STANDARD,
            settings.disabledTools());
    ToolCatalog catalog =
        ToolCatalog.create(settings.defaultTimeout(), settings.maxTimeout(), MAX_EXTENSION);
    return new ToolkitToolSource(
        catalog.select(selection),
        catalog.instructions(),
        () -> toolkit(config.tenki(), settings, selection));
  }

  private static SandboxToolkit toolkit(
      TenkiConnection connection, ToolkitSettings settings, ToolSelection selection) {
    TenkiClient client = client(connection);
    try {
      SandboxTemplate shape = settings.sandbox();
      return SandboxToolkit.builder()
          .client(client)
          .ownsClient(true)
          .selection(selection)
          .template(
              cloud.tenki.sandbox.agent.SandboxTemplate.builder()
                  .cpuCores(shape.cpus())
                  .memoryMb(Math.toIntExact(shape.memoryMib()))
                  .env(shape.env())
                  .lifetime(shape.lifetime())
                  .allowOutbound(shape.network())
                  .build())
          .stdoutBudget(OutputBudget.ofChars(Math.toIntExact(settings.stdoutBudgetChars())))
          .stderrBudget(OutputBudget.ofChars(Math.toIntExact(settings.stderrBudgetChars())))
          .defaultTimeout(settings.defaultTimeout())
          .maxTimeout(settings.maxTimeout())
          .maxExtension(MAX_EXTENSION)
          .idleTimeout(settings.sandboxIdleTimeout())
          .maxSandboxes(settings.maxSandboxes())
          .build();
    } catch (RuntimeException e) {
      client.close();
      throw e;
    }
  }

  private static TenkiClient client(TenkiConnection connection) {
    TenkiClient.Builder builder = TenkiClient.builder();
    if (connection.endpoint() != null) {
      builder.endpoint(connection.endpoint());
    }
    if (connection.token() != null) {
      builder.token(connection.token().reveal());
    }
    if (connection.endpoint() == null && connection.token() == null) {
      builder.localEngine();
    }
    return builder.build();
  }
}
