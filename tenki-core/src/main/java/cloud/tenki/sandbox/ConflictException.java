package cloud.tenki.sandbox;

/**
 * The resource is in a state that does not allow the call, or already exists (gRPC {@code
 * FAILED_PRECONDITION}, {@code ALREADY_EXISTS}, {@code ABORTED}, HTTP 409): for example running a
 * command in a paused sandbox.
 *
 * <pre>{@code
 * try {
 *   sandbox.exec("true");
 * } catch (ConflictException e) {
 *   System.err.println(e.getMessage() + " (code " + e.code() + ")");
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads.
 */
public class ConflictException extends TenkiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param code the status code in Connect spelling
   * @param requestId the server's request id, or {@code null}
   * @param cause the underlying error, or {@code null}
   */
  public ConflictException(String message, String code, String requestId, Throwable cause) {
    super(message, code, requestId, cause);
  }

  /** Creates the exception with its usual code. */
  public ConflictException(String message) {
    this(message, "failed_precondition", null, null);
  }
}
