package cloud.tenki.engine;

import cloud.tenki.engine.cli.EngineMain;
import cloud.tenki.engine.sandbox.Rootfs;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * The standalone engine ({@link EngineMain}) in a JVM of its own, with the JVM options a test
 * chooses (a small heap), on a fresh state directory and a free port. Closing it stops the engine
 * (SIGTERM, then SIGKILL after 30 s) and deletes its state.
 */
final class StandaloneEngine implements AutoCloseable {

  private final Process process;
  private final Path state;
  private final Path log;
  private final String endpoint;

  private StandaloneEngine(Process process, Path state, Path log, String endpoint) {
    this.process = process;
    this.state = state;
    this.log = log;
    this.endpoint = endpoint;
  }

  /** Starts the engine and waits (up to 120 s) until it prints its endpoint. */
  static StandaloneEngine start(List<String> jvmOptions, String... engineArgs) throws Exception {
    Path state = Files.createTempDirectory(Path.of("/tmp"), "tenki-standalone-");
    Path log = Files.createTempFile("tenki-standalone-", ".log");
    List<String> cmd = new ArrayList<>();
    cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    cmd.addAll(jvmOptions);
    cmd.addAll(List.of("-cp", System.getProperty("java.class.path"), EngineMain.class.getName()));
    cmd.addAll(List.of("--port", "0", "--state-dir", state.toString()));
    cmd.addAll(List.of(engineArgs));
    Process p = new ProcessBuilder(cmd).redirectError(log.toFile()).start();
    try {
      BufferedReader out =
          new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8));
      String line =
          CompletableFuture.supplyAsync(
                  () -> {
                    try {
                      return out.readLine();
                    } catch (IOException e) {
                      return null;
                    }
                  })
              .get(120, TimeUnit.SECONDS);
      if (line == null || !line.startsWith("TENKI_API_ENDPOINT=")) {
        throw new IllegalStateException(
            "standalone engine did not start: " + line + "\n" + Files.readString(log));
      }
      return new StandaloneEngine(
          p, state, log, line.substring("TENKI_API_ENDPOINT=".length()).trim());
    } catch (Exception | Error e) {
      stop(p);
      Rootfs.delete(state);
      Files.deleteIfExists(log);
      throw e;
    }
  }

  String endpoint() {
    return endpoint;
  }

  boolean isAlive() {
    return process.isAlive();
  }

  /** What the engine wrote to stderr so far. */
  String log() throws IOException {
    return Files.readString(log);
  }

  /** Waits (up to 30 s) until the engine's stderr contains {@code text}; returns all of it. */
  String awaitLog(String text) throws IOException {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
    String got = log();
    while (!got.contains(text) && System.nanoTime() < deadline) {
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
      got = log();
    }
    return got;
  }

  private static void stop(Process p) throws InterruptedException {
    p.destroy();
    if (!p.waitFor(30, TimeUnit.SECONDS)) {
      p.destroyForcibly();
      p.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Override
  public void close() throws Exception {
    try {
      stop(process);
    } finally {
      Rootfs.delete(state);
      Files.deleteIfExists(log);
    }
  }
}
