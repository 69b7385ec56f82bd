package cloud.tenki.mcp.testing;

import java.io.BufferedReader;
import java.io.File;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

/**
 * {@link TestServerMain} in its own JVM, for tests of what only a process shows: what reaches
 * stdout, exit on end of input and on SIGTERM. Standard error is collected line by line. Closing
 * kills the process if it is still running.
 */
public final class ServerProcess implements AutoCloseable {

  public final Process process;
  public final List<String> stderr = new CopyOnWriteArrayList<>();
  private final Thread stderrReader;

  private ServerProcess(Process process) {
    this.process = process;
    this.stderrReader = new Thread(this::readStderr, "server-stderr");
    stderrReader.setDaemon(true);
    stderrReader.start();
  }

  /** Starts the test server with the given arguments and extra environment. */
  public static ServerProcess start(List<String> args, Map<String, String> env) throws IOException {
    List<String> command = new ArrayList<>(javaCommand());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().putAll(env);
    return new ServerProcess(builder.start());
  }

  /**
   * Starts the shipped server (real sandbox tools) with the given arguments and environment; Tenki
   * settings inherited from the caller's environment are dropped first.
   */
  public static ServerProcess startShipped(List<String> args, Map<String, String> env)
      throws IOException {
    List<String> command = new ArrayList<>(shippedServerCommand());
    command.addAll(args);
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(name -> name.startsWith("TENKI_"));
    builder.environment().putAll(env);
    return new ServerProcess(builder.start());
  }

  /**
   * The command that starts the shipped server ({@link cloud.tenki.mcp.cli.Main}, real sandbox
   * tools) with this JVM and the test class path.
   */
  public static List<String> shippedServerCommand() {
    List<String> command = new ArrayList<>(javaCommand());
    command.set(command.size() - 1, cloud.tenki.mcp.cli.Main.class.getName());
    return command;
  }

  /** The command that starts {@link TestServerMain} with this JVM and the test class path. */
  public static List<String> javaCommand() {
    String java =
        System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    String classPath =
        System.getProperty("surefire.test.class.path", System.getProperty("java.class.path"));
    return List.of(
        java, "-XX:TieredStopAtLevel=1", "-cp", classPath, TestServerMain.class.getName());
  }

  private void readStderr() {
    try (BufferedReader reader =
        new BufferedReader(
            new InputStreamReader(process.getErrorStream(), StandardCharsets.UTF_8))) {
      String line;
      while ((line = reader.readLine()) != null) {
        stderr.add(line);
      }
    } catch (IOException ignored) {
      // the process ended
    }
  }

  /** Waits for a stderr line containing {@code text}; returns it. */
  public String awaitStderr(String text, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      for (String line : stderr) {
        if (line.contains(text)) {
          return line;
        }
      }
      Thread.sleep(20);
    }
    throw new AssertionError("no stderr line with '" + text + "' in " + stderr);
  }

  /** Waits for the exit and for stderr to be read to its end; the exit code. */
  public int awaitExit(Duration timeout) throws InterruptedException {
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the server did not exit within " + timeout + "; stderr " + stderr);
    }
    stderrReader.join(timeout.toMillis());
    return process.exitValue();
  }

  @Override
  public void close() throws InterruptedException {
    if (process.isAlive()) {
      process.destroyForcibly();
      process.waitFor(10, TimeUnit.SECONDS);
    }
  }
}
