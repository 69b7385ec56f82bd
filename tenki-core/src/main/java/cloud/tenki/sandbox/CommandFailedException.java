package cloud.tenki.sandbox;

/**
 * Thrown by {@link ExecResult#check()} when a command did not succeed (non-zero exit code, killed
 * by a signal, or timed out). It carries the whole result, so the output stays available.
 *
 * <pre>{@code
 * try {
 *   sandbox.exec("npm", "test").check();
 * } catch (CommandFailedException e) {
 *   System.err.println("exit " + e.result().exitCode() + ": " + e.result().stderrText());
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads.
 */
public final class CommandFailedException extends TenkiException {
  private static final long serialVersionUID = 1L;

  private final transient ExecResult result;

  /**
   * Creates the exception for a result.
   *
   * @param result the failed command's result
   */
  public CommandFailedException(ExecResult result) {
    super(describe(result), "command_failed", null, null);
    this.result = result;
  }

  /** The failed command's result, with its exit code and captured output. */
  public ExecResult result() {
    return result;
  }

  private static String describe(ExecResult r) {
    String how;
    if (r.timedOut()) {
      how = "timed out after " + r.duration().toMillis() + " ms";
    } else if (r.signal().isPresent()) {
      how = "was killed by " + r.signal().get();
    } else {
      how = "exited with code " + r.exitCode();
    }
    String tail = lastLine(r.stderrText());
    return "command " + how + (tail.isEmpty() ? "" : ": " + tail);
  }

  private static String lastLine(String text) {
    String trimmed = text.strip();
    int nl = trimmed.lastIndexOf('\n');
    String line = nl < 0 ? trimmed : trimmed.substring(nl + 1);
    return line.length() > 200 ? line.substring(0, 200) + "..." : line;
  }
}
