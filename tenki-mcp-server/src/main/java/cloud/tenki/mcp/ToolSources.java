package cloud.tenki.mcp;

import cloud.tenki.mcp.config.McpServerConfig;
import cloud.tenki.mcp.tool.McpToolSource;

/**
 * Creates the tool source the server runs with. This is the single place where the sandbox agent
 * toolkit is plugged in (through a small adapter implementing {@link McpToolSource}).
 */
public final class ToolSources {

  private ToolSources() {}

  /**
   * The tool source for this configuration.
   *
   * @throws IllegalStateException always, for now: the sandbox toolkit is not wired into this build
   *     yet, and the server ships no stand-in tools
   */
  public static McpToolSource create(McpServerConfig config) {
    throw new IllegalStateException(
        "The sandbox toolkit is not wired into this build of tenki-mcp-server yet, so there are no"
            + " tools to serve. The protocol layer is complete; tools arrive with the toolkit.");
  }
}
