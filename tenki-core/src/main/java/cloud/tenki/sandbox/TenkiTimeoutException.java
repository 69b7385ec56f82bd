package cloud.tenki.sandbox;

/**
 * A call or a wait did not finish in time (gRPC {@code DEADLINE_EXCEEDED}, or a client-side wait
 * such as waiting for a sandbox to become ready). A command that outlives its own timeout is not an
 * error: its {@link ExecResult#timedOut()} is set instead.
 *
 * <pre>{@code
 * try {
 *   sandbox.exec("true");
 * } catch (TenkiTimeoutException e) {
 *   System.err.println(e.getMessage() + " (code " + e.code() + ")");
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads.
 */
public class TenkiTimeoutException extends TenkiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param code the status code in Connect spelling
   * @param requestId the server's request id, or {@code null}
   * @param cause the underlying error, or {@code null}
   */
  public TenkiTimeoutException(String message, String code, String requestId, Throwable cause) {
    super(message, code, requestId, cause);
  }

  /** Creates the exception with its usual code. */
  public TenkiTimeoutException(String message) {
    this(message, "deadline_exceeded", null, null);
  }
}
