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
import java.util.EnumMap;
import java.util.List;
import java.util.Map;

/**
 * The command line of the server: {@code tenki-mcp-server [options]} serves over stdio (or HTTP
 * with {@code --http}); {@code tools} lists the tools; {@code call TOOL} calls one. Options come
 * from the {@link Setting} table (see {@link CommandLineSpec}).
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
    // no arguments is how MCP clients start the server: skip the option parser, which costs
    // start-up time, and read the configuration from the environment alone
    Invocation invocation =
        args.length == 0 ? Invocation.serve() : CommandLineSpec.parse(args, out, err);
    if (invocation.exitCode() >= 0) {
      return invocation.exitCode();
    }
    McpServerConfig config;
    try {
      config = ConfigLoader.load(invocation.settings(), env);
    } catch (ConfigException e) {
      err.println("error: " + e.getMessage());
      return USAGE;
    }
    Commands commands = new Commands(config, factory, in, out, err);
    return switch (invocation.command()) {
      case "tools" -> commands.listTools(invocation.json() != null);
      case "call" ->
          commands.callTool(
              invocation.tool(), invocation.arguments(), invocation.json(), invocation.raw());
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
}
