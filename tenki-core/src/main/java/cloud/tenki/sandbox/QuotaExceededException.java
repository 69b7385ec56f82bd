package cloud.tenki.sandbox;

/**
 * A quota or limit was reached (gRPC {@code RESOURCE_EXHAUSTED}, HTTP 429): too many sandboxes,
 * sticky sessions or bytes in flight.
 *
 * <pre>{@code
 * try {
 *   sandbox.exec("true");
 * } catch (QuotaExceededException e) {
 *   System.err.println(e.getMessage() + " (code " + e.code() + ")");
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads.
 */
public class QuotaExceededException extends TenkiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param code the status code in Connect spelling
   * @param requestId the server's request id, or {@code null}
   * @param cause the underlying error, or {@code null}
   */
  public QuotaExceededException(String message, String code, String requestId, Throwable cause) {
    super(message, code, requestId, cause);
  }

  /** Creates the exception with its usual code. */
  public QuotaExceededException(String message) {
    this(message, "resource_exhausted", null, null);
  }
}
