package cloud.tenki.mcp.config;

import java.util.List;

/**
 * Every configurable setting of the server, defined once: its command-line option, the environment
 * variables it falls back to (first set wins), its default and its help text. The command line is
 * built from this table and the README documents it.
 */
public enum Setting {
  HTTP(
      "--http",
      List.of("TENKI_MCP_TRANSPORT"),
      "stdio",
      "Serve Streamable HTTP instead of stdio (environment: stdio or http)."),
  HOST(
      "--host",
      List.of("TENKI_MCP_HOST"),
      "127.0.0.1",
      "Address to bind in HTTP mode; anything but loopback requires an HTTP token."),
  PORT("--port", List.of("TENKI_MCP_PORT"), "8765", "TCP port in HTTP mode (0 picks a free one)."),
  PATH("--path", List.of("TENKI_MCP_PATH"), "/mcp", "Path of the MCP endpoint in HTTP mode."),
  HTTP_TOKEN_FILE(
      "--http-token-file",
      List.of("TENKI_MCP_HTTP_TOKEN_FILE"),
      null,
      "File holding the bearer token HTTP clients must send."),
  HTTP_TOKEN(
      null,
      List.of("TENKI_MCP_HTTP_TOKEN"),
      null,
      "The bearer token HTTP clients must send (environment only, so it stays out of ps)."),
  ALLOWED_HOSTS(
      "--allowed-hosts",
      List.of("TENKI_MCP_ALLOWED_HOSTS"),
      "localhost,127.0.0.1,[::1]",
      "Comma-separated Host names accepted in HTTP mode (any port); * accepts any."),
  ALLOWED_ORIGINS(
      "--allowed-origins",
      List.of("TENKI_MCP_ALLOWED_ORIGINS"),
      "http://localhost,http://127.0.0.1,http://[::1],https://localhost,https://127.0.0.1,"
          + "https://[::1]",
      "Comma-separated Origins accepted in HTTP mode (without a port: any port); * accepts any."),
  SESSION_IDLE_TIMEOUT(
      "--session-idle-timeout",
      List.of("TENKI_MCP_SESSION_IDLE_TIMEOUT"),
      "30m",
      "An HTTP session without requests this long is ended (its sandbox closed)."),
  MAX_SESSIONS(
      "--max-sessions", List.of("TENKI_MCP_MAX_SESSIONS"), "64", "HTTP sessions alive at once."),
  MAX_MESSAGE_SIZE(
      "--max-message-size",
      List.of("TENKI_MCP_MAX_MESSAGE_SIZE"),
      "4m",
      "Largest accepted JSON-RPC message (bytes; k, m suffixes)."),
  MAX_CONCURRENT_CALLS(
      "--max-concurrent-calls",
      List.of("TENKI_MCP_MAX_CONCURRENT_CALLS"),
      "16",
      "Tool calls running at once."),
  MAX_QUEUED_CALLS(
      "--max-queued-calls",
      List.of("TENKI_MCP_MAX_QUEUED_CALLS"),
      "64",
      "Tool calls waiting for a free slot; more are refused with a 'busy' tool error."),
  SHUTDOWN_GRACE(
      "--shutdown-grace",
      List.of("TENKI_MCP_SHUTDOWN_GRACE"),
      "30s",
      "How long running calls may finish after stdin closes."),
  INSTRUCTIONS_FILE(
      "--instructions-file",
      List.of("TENKI_MCP_INSTRUCTIONS_FILE"),
      null,
      "File whose text replaces the server instructions sent to the model."),
  CLIENT_LOG_LEVEL(
      "--client-log-level",
      List.of("TENKI_MCP_CLIENT_LOG_LEVEL"),
      "info",
      "Level of log messages sent to clients until they set one (debug ... emergency)."),
  LOG_LEVEL(
      "--log-level",
      List.of("TENKI_MCP_LOG_LEVEL"),
      "info",
      "Level of the server's own log on stderr (trace, debug, info, warn, error, off)."),
  TENKI_TOKEN_FILE(
      "--tenki-token-file",
      List.of(),
      null,
      "File holding the Tenki API token (else TENKI_AUTH_TOKEN or TENKI_API_KEY)."),
  TENKI_TOKEN(
      null,
      List.of("TENKI_AUTH_TOKEN", "TENKI_API_KEY"),
      null,
      "Tenki API token; without one the embedded local engine is used."),
  TENKI_ENDPOINT(
      "--tenki-endpoint",
      List.of("TENKI_API_ENDPOINT", "TENKI_API_URL"),
      null,
      "Tenki API base URL."),
  READ_ONLY(
      "--read-only",
      List.of("TENKI_MCP_READ_ONLY"),
      "false",
      "Offer only tools that change nothing."),
  DISABLED_TOOLS(
      "--disabled-tools",
      List.of("TENKI_MCP_DISABLED_TOOLS"),
      "",
      "Comma-separated tool names not to offer."),
  STDOUT_BUDGET(
      "--stdout-budget",
      List.of("TENKI_MCP_STDOUT_BUDGET"),
      "16k",
      "Characters of a command's stdout returned to the model (k, m suffixes)."),
  STDERR_BUDGET(
      "--stderr-budget",
      List.of("TENKI_MCP_STDERR_BUDGET"),
      "8k",
      "Characters of a command's stderr returned to the model."),
  TIMEOUT(
      "--timeout",
      List.of("TENKI_MCP_TIMEOUT"),
      "2m",
      "Time limit of a call that names none (ms, s, m, h suffixes)."),
  MAX_TIMEOUT(
      "--max-timeout",
      List.of("TENKI_MCP_MAX_TIMEOUT"),
      "30m",
      "Largest time limit a call may ask for."),
  SANDBOX_CPUS("--sandbox-cpus", List.of("TENKI_MCP_SANDBOX_CPUS"), "2", "vCPUs per sandbox."),
  SANDBOX_MEMORY(
      "--sandbox-memory",
      List.of("TENKI_MCP_SANDBOX_MEMORY"),
      "2g",
      "Memory per sandbox (m, g suffixes)."),
  SANDBOX_ENV(
      "--sandbox-env",
      List.of("TENKI_MCP_SANDBOX_ENV"),
      "",
      "Environment variable set in every sandbox, NAME=value (repeatable; comma-separated in the"
          + " environment)."),
  SANDBOX_LIFETIME(
      "--sandbox-lifetime",
      List.of("TENKI_MCP_SANDBOX_LIFETIME"),
      "1h",
      "Lifetime of a sandbox before it must be extended."),
  SANDBOX_NETWORK(
      "--sandbox-network",
      List.of("TENKI_MCP_SANDBOX_NETWORK"),
      "on",
      "Whether sandboxes may reach the network (package installs, git clone): on or off."),
  SANDBOX_IDLE_TIMEOUT(
      "--sandbox-idle-timeout",
      List.of("TENKI_MCP_SANDBOX_IDLE_TIMEOUT"),
      "15m",
      "A conversation's sandbox idle this long is released."),
  MAX_SANDBOXES(
      "--max-sandboxes", List.of("TENKI_MCP_MAX_SANDBOXES"), "8", "Sandboxes alive at once.");

  private final String option;
  private final List<String> environment;
  private final String defaultValue;
  private final String help;

  Setting(String option, List<String> environment, String defaultValue, String help) {
    this.option = option;
    this.environment = environment;
    this.defaultValue = defaultValue;
    this.help = help;
  }

  /** The command-line option, or {@code null} for settings read from the environment only. */
  public String option() {
    return option;
  }

  /** Environment variables consulted when the option is absent, in order. */
  public List<String> environment() {
    return environment;
  }

  /** The value used when neither option nor environment sets it, or {@code null}. */
  public String defaultValue() {
    return defaultValue;
  }

  public String help() {
    return help;
  }

  /** Whether the option is a flag without a value. */
  public boolean isFlag() {
    return this == HTTP || this == READ_ONLY;
  }

  /** Whether the option may be given several times. */
  public boolean isRepeatable() {
    return this == SANDBOX_ENV;
  }

  /** How errors name the setting: option and environment variables. */
  public String label() {
    StringBuilder label = new StringBuilder(option == null ? "" : option);
    for (String variable : environment) {
      label.append(label.length() == 0 ? "" : " / ").append(variable);
    }
    return label.toString();
  }
}
