package cloud.tenki.sandbox;

/**
 * The service or the sandbox's data plane could not be reached right now (gRPC {@code UNAVAILABLE},
 * HTTP 502/503). Safe calls were already retried with backoff; it may succeed later.
 *
 * <pre>{@code
 * try {
 *   sandbox.exec("true");
 * } catch (UnavailableException e) {
 *   System.err.println(e.getMessage() + " (code " + e.code() + ")");
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads.
 */
public class UnavailableException extends TenkiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param code the status code in Connect spelling
   * @param requestId the server's request id, or {@code null}
   * @param cause the underlying error, or {@code null}
   */
  public UnavailableException(String message, String code, String requestId, Throwable cause) {
    super(message, code, requestId, cause);
  }

  /** Creates the exception with its usual code. */
  public UnavailableException(String message) {
    this(message, "unavailable", null, null);
  }

  @Override
  public boolean retryable() {
    return true;
  }
}
