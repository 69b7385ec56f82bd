package cloud.tenki.mcp.cli;

import cloud.tenki.mcp.ToolSources;
import cloud.tenki.mcp.config.EnvironmentSource;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.io.PrintStream;

/**
 * Entry point of the runnable jar. Standard output belongs to the protocol: it is taken over here
 * and {@code System.out} is pointed at standard error, so that nothing else can corrupt it.
 */
public final class Main {

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(args, ToolSources::create));
  }

  /** Runs the command line with the given tool source factory (tests pass test tools). */
  public static int run(String[] args, McpServerCli.ToolSourceFactory factory) {
    OutputStream stdout =
        new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 1 << 16);
    PrintStream stderr = System.err;
    System.setOut(stderr);
    EnvironmentSource env = EnvironmentSource.system();
    configureLogging(McpServerCli.logLevel(args, env));
    return new McpServerCli(env, factory, System.in, stdout, stderr).run(args);
  }

  /** slf4j-simple reads these on first use; nothing logs before this point. */
  private static void configureLogging(String level) {
    setIfAbsent("org.slf4j.simpleLogger.defaultLogLevel", level);
    setIfAbsent("org.slf4j.simpleLogger.logFile", "System.err");
    setIfAbsent("org.slf4j.simpleLogger.showThreadName", "false");
    setIfAbsent("org.slf4j.simpleLogger.showShortLogName", "true");
    setIfAbsent("org.slf4j.simpleLogger.log.org.eclipse.jetty", "warn");
    // the embedded engine's SSH gateway announces its crypto provider at info on every start
    setIfAbsent("org.slf4j.simpleLogger.log.org.apache.sshd", "warn");
  }

  private static void setIfAbsent(String key, String value) {
    if (System.getProperty(key) == null) {
      System.setProperty(key, value);
    }
  }
}
