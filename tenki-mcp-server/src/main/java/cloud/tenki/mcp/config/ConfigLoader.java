package cloud.tenki.mcp.config;

import cloud.tenki.mcp.tool.LogLevel;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.format.DateTimeParseException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Builds a {@link McpServerConfig}: each {@link Setting} comes from the command line if given, else
 * from the first environment variable that is set, else from its default. Every problem is a {@link
 * ConfigException} naming the option and variables. Stateless apart from its inputs.
 *
 * <pre>{@code
 * McpServerConfig config =
 *     ConfigLoader.load(Map.of(Setting.PORT, List.of("9000")), EnvironmentSource.system());
 * }</pre>
 */
public final class ConfigLoader {

  private static final Pattern DURATION = Pattern.compile("(\\d+)(ms|s|m|h|d)");
  private static final Pattern SIZE = Pattern.compile("(\\d+)([kmg]?)b?");

  private final Map<Setting, List<String>> cli;
  private final EnvironmentSource env;

  private ConfigLoader(Map<Setting, List<String>> cli, EnvironmentSource env) {
    this.cli = new EnumMap<>(Setting.class);
    this.cli.putAll(cli);
    this.env = env;
  }

  /**
   * @param cli values given on the command line (flags as {@code "true"}), by setting
   * @param env where environment variables come from
   */
  public static McpServerConfig load(Map<Setting, List<String>> cli, EnvironmentSource env) {
    return new ConfigLoader(cli, env).build();
  }

  /** The raw value of one setting after applying command line, environment and default. */
  public static String raw(Setting setting, Map<Setting, List<String>> cli, EnvironmentSource env) {
    return new ConfigLoader(cli, env).value(setting);
  }

  private McpServerConfig build() {
    try {
      return new McpServerConfig(
          http(),
          (int) size(Setting.MAX_MESSAGE_SIZE),
          integer(Setting.MAX_CONCURRENT_CALLS),
          integer(Setting.MAX_QUEUED_CALLS),
          duration(Setting.SHUTDOWN_GRACE),
          fileText(Setting.INSTRUCTIONS_FILE),
          logLevel(),
          new TenkiConnection(tenkiToken(), value(Setting.TENKI_ENDPOINT)),
          toolkit());
    } catch (IllegalArgumentException e) {
      throw new ConfigException(e.getMessage());
    }
  }

  private HttpSettings http() {
    String transport = value(Setting.HTTP).toLowerCase(Locale.ROOT);
    if (!List.of("http", "stdio", "true", "false").contains(transport)) {
      throw fail(Setting.HTTP, "must be stdio or http but was '" + transport + "'");
    }
    if (!transport.equals("http") && !transport.equals("true")) {
      return null;
    }
    Secret token = secret(Setting.HTTP_TOKEN_FILE, Setting.HTTP_TOKEN);
    return new HttpSettings(
        value(Setting.HOST),
        integer(Setting.PORT),
        value(Setting.PATH),
        token,
        list(Setting.ALLOWED_HOSTS).stream().map(h -> h.toLowerCase(Locale.ROOT)).toList(),
        list(Setting.ALLOWED_ORIGINS).stream().map(o -> o.toLowerCase(Locale.ROOT)).toList(),
        duration(Setting.SESSION_IDLE_TIMEOUT),
        integer(Setting.MAX_SESSIONS));
  }

  private ToolkitSettings toolkit() {
    SandboxTemplate sandbox =
        new SandboxTemplate(
            integer(Setting.SANDBOX_CPUS),
            size(Setting.SANDBOX_MEMORY) >> 20,
            sandboxEnv(),
            duration(Setting.SANDBOX_LIFETIME),
            bool(Setting.SANDBOX_NETWORK));
    return new ToolkitSettings(
        bool(Setting.READ_ONLY),
        new LinkedHashSet<>(list(Setting.DISABLED_TOOLS)),
        size(Setting.STDOUT_BUDGET),
        size(Setting.STDERR_BUDGET),
        duration(Setting.TIMEOUT),
        duration(Setting.MAX_TIMEOUT),
        sandbox,
        duration(Setting.SANDBOX_IDLE_TIMEOUT),
        integer(Setting.MAX_SANDBOXES));
  }

  private String value(Setting setting) {
    List<String> given = cli.get(setting);
    if (given != null && !given.isEmpty()) {
      return setting.isRepeatable() ? String.join(",", given) : given.get(given.size() - 1);
    }
    for (String variable : setting.environment()) {
      String value = env.get(variable);
      if (value != null && !value.isBlank()) {
        return value.strip();
      }
    }
    return setting.defaultValue();
  }

  private int integer(Setting setting) {
    String value = value(setting);
    try {
      return Integer.parseInt(value.strip());
    } catch (NumberFormatException e) {
      throw fail(setting, "must be a whole number but was '" + value + "'");
    }
  }

  private boolean bool(Setting setting) {
    String value = value(setting).strip().toLowerCase(Locale.ROOT);
    return switch (value) {
      case "true", "1", "yes", "on" -> true;
      case "false", "0", "no", "off" -> false;
      default -> throw fail(setting, "must be true or false but was '" + value + "'");
    };
  }

  private List<String> list(Setting setting) {
    List<String> items = new ArrayList<>();
    for (String item : value(setting).split(",")) {
      if (!item.isBlank()) {
        items.add(item.strip());
      }
    }
    return items;
  }

  private Duration duration(Setting setting) {
    String value = value(setting).strip().toLowerCase(Locale.ROOT);
    Matcher matcher = DURATION.matcher(value);
    if (matcher.matches()) {
      long amount = Long.parseLong(matcher.group(1));
      return switch (matcher.group(2)) {
        case "ms" -> Duration.ofMillis(amount);
        case "s" -> Duration.ofSeconds(amount);
        case "m" -> Duration.ofMinutes(amount);
        case "h" -> Duration.ofHours(amount);
        default -> Duration.ofDays(amount);
      };
    }
    try {
      return Duration.parse(value.toUpperCase(Locale.ROOT));
    } catch (DateTimeParseException e) {
      throw fail(
          setting,
          "must be a duration such as 500ms, 30s, 5m, 1h or PT30S but was '" + value + "'");
    }
  }

  private long size(Setting setting) {
    String value = value(setting).strip().toLowerCase(Locale.ROOT);
    Matcher matcher = SIZE.matcher(value);
    if (!matcher.matches() || matcher.group(1).length() > 12) {
      throw fail(setting, "must be a size such as 4096, 16k, 4m or 2g but was '" + value + "'");
    }
    long amount = Long.parseLong(matcher.group(1));
    int shift =
        switch (matcher.group(2)) {
          case "k" -> 10;
          case "m" -> 20;
          case "g" -> 30;
          default -> 0;
        };
    return amount << shift;
  }

  private LogLevel logLevel() {
    String value = value(Setting.CLIENT_LOG_LEVEL).strip().toLowerCase(Locale.ROOT);
    return LogLevel.fromWireName(value)
        .orElseThrow(
            () ->
                fail(
                    Setting.CLIENT_LOG_LEVEL,
                    "must be one of "
                        + Arrays.stream(LogLevel.values()).map(LogLevel::wireName).toList()
                        + " but was '"
                        + value
                        + "'"));
  }

  private Map<String, String> sandboxEnv() {
    Map<String, String> variables = new LinkedHashMap<>();
    for (String pair : list(Setting.SANDBOX_ENV)) {
      int equals = pair.indexOf('=');
      if (equals <= 0) {
        throw fail(Setting.SANDBOX_ENV, "must be NAME=value but was '" + pair + "'");
      }
      variables.put(pair.substring(0, equals), pair.substring(equals + 1));
    }
    return variables;
  }

  private Secret tenkiToken() {
    return secret(Setting.TENKI_TOKEN_FILE, Setting.TENKI_TOKEN);
  }

  private Secret secret(Setting file, Setting direct) {
    String text = fileText(file);
    if (text == null) {
      text = value(direct);
    }
    if (text == null || text.isBlank()) {
      return null;
    }
    return Secret.of(text);
  }

  private String fileText(Setting setting) {
    String file = value(setting);
    if (file == null || file.isBlank()) {
      return null;
    }
    try {
      return Files.readString(Path.of(file));
    } catch (IOException | RuntimeException e) {
      throw fail(setting, "cannot read file '" + file + "': " + e.getClass().getSimpleName());
    }
  }

  private static ConfigException fail(Setting setting, String problem) {
    return new ConfigException(setting.label() + ": " + problem);
  }
}
