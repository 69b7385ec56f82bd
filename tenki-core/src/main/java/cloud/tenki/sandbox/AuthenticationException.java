package cloud.tenki.sandbox;

/**
 * The credentials were missing, wrong or expired (gRPC {@code UNAUTHENTICATED}, HTTP 401). Check
 * the token or API key; the SDK has already renewed session credentials once before throwing this.
 *
 * <pre>{@code
 * try {
 *   sandbox.exec("true");
 * } catch (AuthenticationException e) {
 *   System.err.println(e.getMessage() + " (code " + e.code() + ")");
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads.
 */
public class AuthenticationException extends TenkiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param code the status code in Connect spelling
   * @param requestId the server's request id, or {@code null}
   * @param cause the underlying error, or {@code null}
   */
  public AuthenticationException(String message, String code, String requestId, Throwable cause) {
    super(message, code, requestId, cause);
  }

  /** Creates the exception with its usual code. */
  public AuthenticationException(String message) {
    this(message, "unauthenticated", null, null);
  }
}
