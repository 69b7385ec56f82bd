package cloud.tenki.mcp.cli;

import cloud.tenki.mcp.config.Setting;
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
 * The picocli model of the command line, built from the {@link Setting} table without reflection,
 * and the parsing of arguments into an {@link Invocation}.
 */
final class CommandLineSpec {

  private CommandLineSpec() {}

  /** Parses; help, version and usage errors are printed and end in an exit code. */
  static Invocation parse(String[] args, OutputStream out, PrintStream err) {
    CommandLine commandLine = new CommandLine(rootSpec());
    commandLine.setOut(new PrintWriter(out, true, StandardCharsets.UTF_8));
    commandLine.setErr(new PrintWriter(err, true, StandardCharsets.UTF_8));
    ParseResult parsed;
    try {
      parsed = commandLine.parseArgs(args);
    } catch (CommandLine.ParameterException e) {
      err.println("error: " + e.getMessage());
      e.getCommandLine().usage(err);
      return Invocation.exit(McpServerCli.USAGE);
    }
    if (CommandLine.printHelpIfRequested(parsed)) {
      return Invocation.exit(0);
    }
    ParseResult command = parsed.subcommand() == null ? parsed : parsed.subcommand();
    String name = command.commandSpec().name();
    Map<Setting, List<String>> settings = settingValues(parsed);
    if (name.equals("tools")) {
      String json = command.hasMatchedOption("--json") ? "" : null;
      return new Invocation("tools", settings, null, List.of(), json, false, -1);
    }
    if (name.equals("call")) {
      String inline = command.matchedPositionalValue(1, null);
      String json = command.matchedOptionValue("--json", null);
      if (inline != null && json != null) {
        err.println("error: give the arguments as ARGUMENTS or with --json, not both");
        command.commandSpec().commandLine().usage(err);
        return Invocation.exit(McpServerCli.USAGE);
      }
      return new Invocation(
          "call",
          settings,
          command.matchedPositionalValue(0, ""),
          command.matchedOptionValue("--arg", new ArrayList<String>()),
          inline != null ? inline : json,
          command.hasMatchedOption("--raw"),
          -1);
    }
    return new Invocation("serve", settings, null, List.of(), null, false, -1);
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
    call.addPositional(
        PositionalParamSpec.builder()
            .paramLabel("ARGUMENTS")
            .arity("0..1")
            .type(String.class)
            .description(
                "All arguments as one JSON object, as with --json: '{\"command\":\"ls\"}'.")
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
