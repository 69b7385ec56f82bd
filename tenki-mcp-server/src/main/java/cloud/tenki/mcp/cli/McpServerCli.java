package cloud.tenki.mcp.cli;

import cloud.tenki.mcp.config.ConfigException;
import cloud.tenki.mcp.config.ConfigLoader;
import cloud.tenki.mcp.config.EnvironmentSource;
import cloud.tenki.mcp.config.McpServerConfig;
import cloud.tenki.mcp.config.Setting;
import cloud.tenki.mcp.tool.McpToolSource;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumMap;
import java.util.List;
import java.util.Map;
import picocli.CommandLine;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Model.OptionSpec;
import picocli.CommandLine.Model.PositionalParamSpec;
import picocli.CommandLine.ParseResult;
import picocli.CommandLine.ScopeType;

/**
 * The command line of the server: {@code tenki-mcp-server [options]} serves over stdio (or HTTP
 * with {@code --http}); {@code tools} lists the tools; {@code call TOOL} calls one. Options come
 * from the {@link Setting} table, built without reflection to keep start-up short.
 *
 * <p>Everything the process touches is injected (environment, tool-source factory, streams), so
 * tests run the real command line in-process or in a child JVM with test tools.
 *
 * <pre>{@code
 * int exit = new McpServerCli(EnvironmentSource.system(), ToolSources::create,
 *     System.in, stdout, System.err).run(args);
 * }</pre>
 */
public final class McpServerCli {

  /** Exit code for a usage or configuration error. */
  public static final int USAGE = 2;

  /** Creates the tool source from the configuration; the server owns what it returns. */
  @FunctionalInterface
  public interface ToolSourceFactory {
    McpToolSource create(McpServerConfig config);
  }

  private final EnvironmentSource env;
  private final ToolSourceFactory factory;
  private final InputStream in;
  private final OutputStream out;
  private final PrintStream err;

  /**
   * @param env the environment to read settings from
   * @param factory creates the tool source once the configuration is known
   * @param in the protocol input in stdio mode
   * @param out the protocol output in stdio mode, and where {@code tools} and {@code call} print
   * @param err messages for people
   */
  public McpServerCli(
      EnvironmentSource env,
      ToolSourceFactory factory,
      InputStream in,
      OutputStream out,
      PrintStream err) {
    this.env = env;
    this.factory = factory;
    this.in = in;
    this.out = out;
    this.err = err;
  }

  /** Runs the command line; returns the process exit code. */
  public int run(String... args) {
    CommandLine commandLine = new CommandLine(rootSpec());
    commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    ParseResult parsed;
    try {
      parsed = commandLine.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      err.println("error: " + e.getMessage());
      e.getCommandLine().usage(err);
      return USAGE;
    }
    if (CommandLine.printHelpIfRequested(parsed)) {
      return 0;
    }
    ParseResult command = parsed.subcommand() == null ? parsed : parsed.subcommand();
    Map<Setting, List<String>> values = settingValues(parsed);
    McpServerConfig config;
    try {
      config = ConfigLoader.load(values, env);
    } catch (ConfigException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    }
    Commands commands = new Commands(config, factory, in, out, err);
    String name = command.commandSpec().name();
    return switch (name) {
      case "tools" -> commands.listTools(command.hasMatchedOption("--json"));
      case "call" ->
          commands.callTool(
              command.matchedPositionalValue(0, ""),
              command.matchedOptionValue("--arg", new ArrayList<String>()),
              command.matchedOptionValue("--json", null),
              command.hasMatchedOption("--raw"));
      default -> commands.serve();
    };
  }

  /** The server's own log level (for the logging setup before anything logs). */
  public static String logLevel(String[] args, EnvironmentSource env) {
    Map<Setting, List<String>> values = new EnumMap<>(Setting.class);
    for (int i = 0; i < args.length; i++) {
      if (args[i].equals("--log-level") && i + 1 < args.length) {
        values.put(Setting.LOG_LEVEL, List.of(args[i + 1]));
      } else if (args[i].startsWith("--log-level=")) {
        values.put(Setting.LOG_LEVEL, List.of(args[i].substring("--log-level=".length())));
      }
    }
    return ConfigLoader.raw(Setting.LOG_LEVEL, values, env);
  }

  private static Map<Setting, List<String>> settingValues(ParseResult parsed) {
    Map<Setting, List<String>> values = new EnumMap<>(Setting.class);
    for (ParseResult level = parsed; level != null; level = level.subcommand()) {
      for (Setting setting : Setting.values()) {
        if (setting.option() == null || !level.hasMatchedOption(setting.option())) {
          continue;
        }
        if (setting.isFlag()) {
          values.put(setting, List.of(setting == Setting.HTTP ? "http" : "true"));
        } else if (setting.isRepeatable()) {
          List<String> given = level.matchedOptionValue(setting.option(), new ArrayList<>());
          values.computeIfAbsent(setting, s -> new ArrayList<>()).addAll(given);
        } else {
          values.put(setting, List.of(level.matchedOptionValue(setting.option(), "")));
        }
      }
    }
    return values;
  }

  private static CommandSpec rootSpec() {
    CommandSpec root = CommandSpec.create().name("tenki-mcp-server");
    root.mixinStandardHelpOptions(true);
    root.version("tenki-mcp-server " + Commands.version());
    root.usageMessage()
        .description(
            "MCP server giving an assistant a Tenki sandbox per conversation.",
            "Serves over stdio by default; --http serves Streamable HTTP.",
            "Every option can also be set through the environment variable named in its help.");
    for (Setting setting : Setting.values()) {
      if (setting.option() != null) {
        root.addOption(option(setting));
      }
    }
    CommandSpec tools = CommandSpec.create().name("tools");
    tools.mixinStandardHelpOptions(true);
    tools.usageMessage().description("List the tools and exit.");
    tools.addOption(
        OptionSpec.builder("--json").arity("0").description("Print the raw JSON list.").build());
    CommandSpec call = CommandSpec.create().name("call");
    call.mixinStandardHelpOptions(true);
    call.usageMessage()
        .description("Call one tool, print its result and exit (1 on a tool error).");
    call.addPositional(
        PositionalParamSpec.builder()
            .paramLabel("TOOL")
            .arity("1")
            .type(String.class)
            .description("Tool name (see the tools command).")
            .build());
    call.addOption(
        OptionSpec.builder("--arg")
            .paramLabel("NAME=VALUE")
            .arity("1")
            .type(List.class)
            .auxiliaryTypes(String.class)
            .description(
                "An argument; repeatable. Values are JSON when the tool's schema wants a"
                    + " number, boolean, array or object.")
            .build());
    call.addOption(
        OptionSpec.builder("--json")
            .paramLabel("JSON")
            .arity("1")
            .type(String.class)
            .description("All arguments as one JSON object (--arg values are added).")
            .build());
    call.addOption(
        OptionSpec.builder("--raw").arity("0").description("Print the raw JSON result.").build());
    root.addSubcommand("tools", new CommandLine(tools));
    root.addSubcommand("call", new CommandLine(call));
    return root;
  }

  private static OptionSpec option(Setting setting) {
    OptionSpec.Builder builder = OptionSpec.builder(setting.option()).scopeType(ScopeType.INHERIT);
    String help =
        setting.help()
            + variables(setting)
            + (setting.defaultValue() == null
                    || setting.isFlag()
                    || setting.defaultValue().isEmpty()
                ? ""
                : " Default: " + setting.defaultValue() + ".");
    builder.description(help);
    if (setting.isFlag()) {
      return builder.arity("0").build();
    }
    if (setting.isRepeatable()) {
      return builder
          .arity("1")
          .type(List.class)
          .auxiliaryTypes(String.class)
          .paramLabel("VALUE")
          .build();
    }
    return builder.arity("1").type(String.class).paramLabel("VALUE").build();
  }

  private static String variables(Setting setting) {
    return setting.environment().isEmpty()
        ? ""
        : " Env: " + String.join(", ", setting.environment()) + ".";
  }
}
