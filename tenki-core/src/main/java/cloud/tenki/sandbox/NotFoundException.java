package cloud.tenki.sandbox;

/**
 * The sandbox, volume, preview URL, file or other resource does not exist (gRPC {@code NOT_FOUND},
 * HTTP 404).
 *
 * <pre>{@code
 * try {
 *   sandbox.exec("true");
 * } catch (NotFoundException e) {
 *   System.err.println(e.getMessage() + " (code " + e.code() + ")");
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads.
 */
public class NotFoundException extends TenkiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param code the status code in Connect spelling
   * @param requestId the server's request id, or {@code null}
   * @param cause the underlying error, or {@code null}
   */
  public NotFoundException(String message, String code, String requestId, Throwable cause) {
    super(message, code, requestId, cause);
  }

  /** Creates the exception with its usual code. */
  public NotFoundException(String message) {
    this(message, "not_found", null, null);
  }
}
