package cloud.tenki.sandbox;

/**
 * The credentials are valid but may not do this (gRPC {@code PERMISSION_DENIED}, HTTP 403).
 *
 * <pre>{@code
 * try {
 *   sandbox.exec("true");
 * } catch (PermissionDeniedException e) {
 *   System.err.println(e.getMessage() + " (code " + e.code() + ")");
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads.
 */
public class PermissionDeniedException extends TenkiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param code the status code in Connect spelling
   * @param requestId the server's request id, or {@code null}
   * @param cause the underlying error, or {@code null}
   */
  public PermissionDeniedException(String message, String code, String requestId, Throwable cause) {
    super(message, code, requestId, cause);
  }

  /** Creates the exception with its usual code. */
  public PermissionDeniedException(String message) {
    this(message, "permission_denied", null, null);
  }
}
