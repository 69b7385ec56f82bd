package cloud.tenki.examples.support;

import java.io.ByteArrayOutputStream;
import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * Runs a program on the host (not in a sandbox) with a time limit and collects its output, for the
 * examples that drive real host tools such as {@code ssh}.
 *
 * <pre>{@code
 * HostCommand.Result r = HostCommand.run(List.of("ssh-keygen", "-t", "ed25519", ...),
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

  /** The program named {@code name} on {@code PATH}, if there is one. */
  public static Optional<Path> which(String name) {
    String path = System.getenv("PATH");
    if (path == null) {
      return Optional.empty();
    }
    for (String dir : path.split(File.pathSeparator)) {
      Path candidate = Path.of(dir.isEmpty() ? "." : dir, name);
      if (Files.isRegularFile(candidate) && Files.isExecutable(candidate)) {
        return Optional.of(candidate);
      }
    }
    return Optional.empty();
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
