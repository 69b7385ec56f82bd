package cloud.tenki.mcp.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.mcp.tool.LogLevel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {

  private static McpServerConfig load(Map<Setting, List<String>> cli, Map<String, String> env) {
    return ConfigLoader.load(cli, EnvironmentSource.of(env));
  }

  @Test
  void defaultsServeStdioWithTheLocalEngine() {
    McpServerConfig config = load(Map.of(), Map.of());
    assertThat(config.isHttp()).isFalse();
    assertThat(config.tenki().usesLocalEngine()).isTrue();
    assertThat(config.maxMessageBytes()).isEqualTo(4 << 20);
    assertThat(config.clientLogLevel()).isEqualTo(LogLevel.INFO);
    ToolkitSettings toolkit = config.toolkit();
    assertThat(toolkit.readOnly()).isFalse();
    assertThat(toolkit.stdoutBudgetChars()).isEqualTo(16 * 1024);
    assertThat(toolkit.defaultTimeout()).isEqualTo(Duration.ofMinutes(2));
    assertThat(toolkit.sandbox().memoryMib()).isEqualTo(2048);
    assertThat(toolkit.sandbox().lifetime()).isEqualTo(Duration.ofHours(1));
    assertThat(toolkit.sandbox().network()).isTrue();
    assertThat(
            load(Map.of(), Map.of("TENKI_MCP_SANDBOX_NETWORK", "off"))
                .toolkit()
                .sandbox()
                .network())
        .isFalse();
  }

  @Test
  void theCommandLineBeatsTheEnvironmentWhichBeatsDefaults() {
    Map<String, String> env =
        Map.of(
            "TENKI_MCP_TRANSPORT",
            "http",
            "TENKI_MCP_PORT",
            "9000",
            "TENKI_MCP_HOST",
            "localhost",
            "TENKI_MCP_SANDBOX_CPUS",
            "4");
    McpServerConfig config = load(Map.of(Setting.PORT, List.of("9100")), env);
    assertThat(config.http().port()).isEqualTo(9100);
    assertThat(config.http().host()).isEqualTo("localhost");
    assertThat(config.http().path()).isEqualTo("/mcp");
    assertThat(config.toolkit().sandbox().cpus()).isEqualTo(4);
  }

  @Test
  void everyToolkitSettingIsParsed() {
    Map<Setting, List<String>> cli =
        Map.of(
            Setting.READ_ONLY, List.of("true"),
            Setting.DISABLED_TOOLS, List.of("run_code, write_file"),
            Setting.STDOUT_BUDGET, List.of("32k"),
            Setting.STDERR_BUDGET, List.of("1000"),
            Setting.TIMEOUT, List.of("90s"),
            Setting.MAX_TIMEOUT, List.of("PT1H"),
            Setting.SANDBOX_MEMORY, List.of("512m"),
            Setting.SANDBOX_ENV, List.of("A=1", "B=x=y"),
            Setting.SANDBOX_IDLE_TIMEOUT, List.of("500ms"),
            Setting.MAX_SANDBOXES, List.of("3"));
    ToolkitSettings toolkit = load(cli, Map.of()).toolkit();
    assertThat(toolkit.readOnly()).isTrue();
    assertThat(toolkit.disabledTools()).containsExactlyInAnyOrder("run_code", "write_file");
    assertThat(toolkit.stdoutBudgetChars()).isEqualTo(32 * 1024);
    assertThat(toolkit.stderrBudgetChars()).isEqualTo(1000);
    assertThat(toolkit.defaultTimeout()).isEqualTo(Duration.ofSeconds(90));
    assertThat(toolkit.maxTimeout()).isEqualTo(Duration.ofHours(1));
    assertThat(toolkit.sandbox().memoryMib()).isEqualTo(512);
    assertThat(toolkit.sandbox().env()).isEqualTo(Map.of("A", "1", "B", "x=y"));
    assertThat(toolkit.sandboxIdleTimeout()).isEqualTo(Duration.ofMillis(500));
    assertThat(toolkit.maxSandboxes()).isEqualTo(3);
  }

  @Test
  void tenkiTokenFollowsTheSdkOrderAndNeverPrints(@TempDir Path dir) throws Exception {
    McpServerConfig both =
        load(
            Map.of(),
            Map.of(
                "TENKI_AUTH_TOKEN",
                "tk_auth",
                "TENKI_API_KEY",
                "tk_key",
                "TENKI_API_URL",
                "https://legacy.example",
                "TENKI_API_ENDPOINT",
                "https://api.example"));
    assertThat(both.tenki().token().reveal()).isEqualTo("tk_auth");
    assertThat(both.tenki().endpoint()).isEqualTo("https://api.example");
    assertThat(both.toString()).doesNotContain("tk_auth");
    Path file = dir.resolve("token");
    Files.writeString(file, "tk_from_file\n");
    McpServerConfig fromFile =
        load(
            Map.of(Setting.TENKI_TOKEN_FILE, List.of(file.toString())),
            Map.of("TENKI_API_KEY", "x"));
    assertThat(fromFile.tenki().token().reveal()).isEqualTo("tk_from_file");
    assertThat(load(Map.of(), Map.of("TENKI_API_KEY", "tk_key")).tenki().token().reveal())
        .isEqualTo("tk_key");
  }

  @Test
  void httpSecuritySettings(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("http-token");
    Files.writeString(file, "abc\n");
    McpServerConfig config =
        load(
            Map.of(
                Setting.HTTP,
                List.of("http"),
                Setting.HTTP_TOKEN_FILE,
                List.of(file.toString()),
                Setting.ALLOWED_HOSTS,
                List.of("MCP.example.com,localhost")),
            Map.of("TENKI_MCP_ALLOWED_ORIGINS", "https://app.example.com"));
    assertThat(config.http().bearerToken().matches("abc")).isTrue();
    assertThat(config.http().bearerToken().matches("abcd")).isFalse();
    assertThat(config.http().allowedHosts()).containsExactly("mcp.example.com", "localhost");
    assertThat(config.http().allowedOrigins()).containsExactly("https://app.example.com");
    assertThat(
            load(Map.of(Setting.HTTP, List.of("http")), Map.of("TENKI_MCP_HTTP_TOKEN", "t"))
                .http()
                .bearerToken()
                .matches("t"))
        .isTrue();
  }

  @Test
  void badValuesNameTheSetting() {
    assertThatThrownBy(() -> load(Map.of(Setting.TIMEOUT, List.of("soon")), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("--timeout / TENKI_MCP_TIMEOUT");
    assertThatThrownBy(() -> load(Map.of(), Map.of("TENKI_MCP_SANDBOX_MEMORY", "lots")))
        .hasMessageContaining("--sandbox-memory");
    assertThatThrownBy(() -> load(Map.of(Setting.SANDBOX_CPUS, List.of("100")), Map.of()))
        .isInstanceOf(ConfigException.class)
        .hasMessageContaining("sandbox cpus");
    assertThatThrownBy(() -> load(Map.of(Setting.TIMEOUT, List.of("2h")), Map.of()))
        .hasMessageContaining("must not exceed max timeout");
    assertThatThrownBy(() -> load(Map.of(Setting.SANDBOX_ENV, List.of("1BAD=x")), Map.of()))
        .hasMessageContaining("not a variable name");
    assertThatThrownBy(() -> load(Map.of(Setting.READ_ONLY, List.of("maybe")), Map.of()))
        .hasMessageContaining("--read-only");
    assertThatThrownBy(
            () ->
                load(Map.of(Setting.HTTP, List.of("http"), Setting.PATH, List.of("mcp")), Map.of()))
        .hasMessageContaining("path must start with /");
    assertThatThrownBy(
            () -> load(Map.of(Setting.INSTRUCTIONS_FILE, List.of("/no/such/file")), Map.of()))
        .hasMessageContaining("--instructions-file")
        .hasMessageContaining("cannot read");
  }
}
