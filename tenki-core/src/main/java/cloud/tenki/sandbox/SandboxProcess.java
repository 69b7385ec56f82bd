package cloud.tenki.sandbox;

import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Optional;

/**
 * A command running in a sandbox, started by {@link Sandbox#start}. Standard input, output and
 * error are streamed over one bidirectional call with flow control in both directions: writes block
 * while the sandbox has not granted room, and output is requested from the server only as fast as
 * it is consumed, so memory stays bounded whatever the volume.
 *
 * <p>Read both {@link #stdout()} and {@link #stderr()} (or stream them with {@link
 * ExecOptions.Builder#onStdout}/{@link ExecOptions.Builder#onStderr}): like {@link Process}, a
 * stream nobody reads eventually stops the command. Writing and reading from different threads is
 * safe; each stream should be read by one thread at a time.
 *
 * <p>Closing the process kills the command if it is still running and releases the call.
 *
 * <pre>{@code
 * try (SandboxProcess p = sandbox.start("bash", "-lc", "read name; echo hello $name")) {
 *   p.writeStdin("tenki\n");
 *   p.closeStdin();
 *   System.out.print(new String(p.stdout().readAllBytes(), StandardCharsets.UTF_8));
 *   p.waitFor().check();
 * }
 * }</pre>
 */
public interface SandboxProcess extends AutoCloseable {

  /** The process id inside the sandbox. */
  long pid();

  /**
   * Writes bytes to standard input, blocking while the sandbox's stdin window is full.
   *
   * @throws IllegalStateException if standard input was closed
   * @throws TenkiException if the process has ended or the call failed
   */
  void writeStdin(byte[] bytes, int offset, int length);

  /** Writes all of {@code bytes} to standard input. */
  default void writeStdin(byte[] bytes) {
    writeStdin(bytes, 0, bytes.length);
  }

  /** Writes {@code text} as UTF-8 to standard input. */
  default void writeStdin(String text) {
    writeStdin(text.getBytes(StandardCharsets.UTF_8));
  }

  /**
   * Standard input as a stream; closing it closes standard input. Writes follow {@link
   * #writeStdin}.
   */
  OutputStream stdin();

  /** Closes standard input (the command sees end of file). Idempotent. */
  void closeStdin();

  /** Standard output as a stream that ends when the command exits. */
  InputStream stdout();

  /** Standard error as a stream that ends when the command exits. */
  InputStream stderr();

  /** Sends a signal to the command. Ignored once it has exited. */
  void signal(Signal signal);

  /** Kills the command ({@link Signal#KILL}). */
  default void kill() {
    signal(Signal.KILL);
  }

  /** Whether the command is still running. */
  boolean isAlive();

  /**
   * Waits for the command to exit. The result carries no output (it was streamed).
   *
   * @throws TenkiException if the call failed or the waiting thread was interrupted (the interrupt
   *     flag is kept)
   */
  ExecResult waitFor();

  /**
   * Waits at most {@code timeout} for the command to exit.
   *
   * @return the result, or empty if the command is still running
   */
  Optional<ExecResult> waitFor(Duration timeout);

  /** Kills the command if it is still running and releases the stream. Idempotent. */
  @Override
  void close();
}
