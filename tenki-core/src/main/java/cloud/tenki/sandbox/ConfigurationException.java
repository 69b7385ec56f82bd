package cloud.tenki.sandbox;

/**
 * The client is not configured well enough to make calls: no token, an unusable endpoint, or the
 * local engine requested without {@code cloud.tenki:tenki-engine} on the class path. The message
 * says what to change.
 *
 * <pre>{@code
 * try {
 *   sandbox.exec("true");
 * } catch (ConfigurationException e) {
 *   System.err.println(e.getMessage() + " (code " + e.code() + ")");
 * }
 * }</pre>
 *
 * <p>Immutable and safe to share between threads.
 */
public class ConfigurationException extends TenkiException {
  private static final long serialVersionUID = 1L;

  /**
   * Creates the exception.
   *
   * @param message what went wrong
   * @param code the status code in Connect spelling
   * @param requestId the server's request id, or {@code null}
   * @param cause the underlying error, or {@code null}
   */
  public ConfigurationException(String message, String code, String requestId, Throwable cause) {
    super(message, code, requestId, cause);
  }

  /** Creates the exception with its usual code. */
  public ConfigurationException(String message) {
    this(message, "configuration", null, null);
  }
}
