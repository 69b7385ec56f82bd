package cloud.tenki.examples.support;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program on the host (not in a sandbox) with a time limit and collects its output, for the
 * examples that drive real host tools such as {@code ssh}.
 *
 * <pre>{@code
 * HostCommand r = HostCommand.run(List.of("ssh-keygen", "-t", "ed25519", ...),
 *     Duration.ofSeconds(30));
 * r.check();
 * }</pre>
 *
 * @param argv the command line that ran
 * @param exitCode its exit code ({@code -1} when it was killed at the time limit)
 * @param stdout what it wrote to stdout
 * @param stderr what it wrote to stderr
 */
public record HostCommand(List<String> argv, int exitCode, String stdout, String stderr) {

  /** Runs {@code argv} with stdin empty; kills it (exit code -1) after {@code timeout}. */
  public static HostCommand run(List<String> argv, Duration timeout) {
    ProcessBuilder pb = new ProcessBuilder(argv).redirectInput(new File("/dev/null"));
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw new UncheckedIOException("could not start " + argv.get(0), e);
    }
    try {
      CompletableFuture<String> out = drain(p.getInputStream());
      CompletableFuture<String> err = drain(p.getErrorStream());
      boolean done = p.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (!done) {
        p.destroyForcibly().waitFor(5, TimeUnit.SECONDS);
      }
      return new HostCommand(List.copyOf(argv), done ? p.exitValue() : -1, out.join(), err.join());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while running " + argv.get(0), e);
    } finally {
      p.destroyForcibly();
    }
  }

  /** This result, if the exit code is 0; else an exception with the command and its stderr. */
  public HostCommand check() {
    if (exitCode != 0) {
      throw new IllegalStateException(
          String.join(" ", argv) + " exited with " + exitCode + ": " + stderr.strip());
    }
    return this;
  }

  /** Whether a program named {@code name} is on {@code PATH} (asks the shell, as a user would). */
  public static boolean installed(String name) {
    if (!name.matches("[A-Za-z0-9._-]+")) {
      throw new IllegalArgumentException("name must be a plain program name, got " + name);
    }
    return run(List.of("sh", "-c", "command -v " + name), Duration.ofSeconds(10)).exitCode() == 0;
  }

  // a thread per stream: the common pool may have a single thread, and a full pipe must not block
  private static CompletableFuture<String> drain(InputStream in) {
    CompletableFuture<String> text = new CompletableFuture<>();
    Thread t =
        new Thread(
            () -> {
              ByteArrayOutputStream buf = new ByteArrayOutputStream();
              try (in) {
                in.transferTo(buf);
              } catch (IOException e) {
                // the process was killed; what was read so far is the output
              }
              text.complete(buf.toString(StandardCharsets.UTF_8));
            },
            "host-command-output");
    t.setDaemon(true);
    t.start();
    return text;
  }
}
