package cloud.tenki.mcp.config;

import cloud.tenki.mcp.tool.LogLevel;
import java.time.Duration;
import java.util.Objects;

/**
 * Everything the MCP server is configured with, validated on construction. Built from command-line
 * options and the environment by {@link ConfigLoader}; immutable and safe to log ({@link Secret}s
 * are masked).
 *
 * @param http the HTTP endpoint, or {@code null} to serve over stdio
 * @param maxMessageBytes largest accepted JSON-RPC message
 * @param maxConcurrentCalls tool calls running at once
 * @param maxQueuedCalls tool calls waiting for a free slot
 * @param shutdownGrace how long running calls may finish when the server stops
 * @param instructions instructions for the model overriding the toolkit's, or {@code null}
 * @param clientLogLevel level of log messages sent to clients before they set one
 * @param tenki how to reach Tenki
 * @param toolkit settings for the tools
 */
public record McpServerConfig(
    HttpSettings http,
    int maxMessageBytes,
    int maxConcurrentCalls,
    int maxQueuedCalls,
    Duration shutdownGrace,
    String instructions,
    LogLevel clientLogLevel,
    TenkiConnection tenki,
    ToolkitSettings toolkit) {

  public McpServerConfig {
    Checks.range(maxMessageBytes, 1024, 256 << 20, "max message size (bytes)");
    Checks.range(maxConcurrentCalls, 1, 1024, "max concurrent calls");
    Checks.range(maxQueuedCalls, 0, 100_000, "max queued calls");
    Checks.positive(shutdownGrace, "shutdown grace");
    Objects.requireNonNull(clientLogLevel, "clientLogLevel");
    Objects.requireNonNull(tenki, "tenki");
    Objects.requireNonNull(toolkit, "toolkit");
  }

  /** Whether the server speaks Streamable HTTP rather than stdio. */
  public boolean isHttp() {
    return http != null;
  }
}
