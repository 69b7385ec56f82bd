package cloud.tenki.sandbox;

/**
 * The server rejected an argument (gRPC {@code INVALID_ARGUMENT} or {@code OUT_OF_RANGE}, HTTP
 * 400). Arguments the SDK can check itself fail earlier with {@link IllegalArgumentException}.
 *
 * <pre>{@code
 * try {
 *   sandbox.exec("true");
 * } catch (InvalidArgumentException e) {
 *   System.err.println(e.getMessage() + " (code " + e.code() + ")");
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads.
 */
public class InvalidArgumentException extends TenkiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param code the status code in Connect spelling
   * @param requestId the server's request id, or {@code null}
   * @param cause the underlying error, or {@code null}
   */
  public InvalidArgumentException(String message, String code, String requestId, Throwable cause) {
    super(message, code, requestId, cause);
  }

  /** Creates the exception with its usual code. */
  public InvalidArgumentException(String message) {
    this(message, "invalid_argument", null, null);
  }
}
