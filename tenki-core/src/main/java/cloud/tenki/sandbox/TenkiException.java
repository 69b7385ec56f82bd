package cloud.tenki.sandbox;

import java.util.Optional;

/**
 * The root of every error the Tenki SDK throws. It is unchecked: a failed sandbox call is usually
 * not something the immediate caller can fix, and typed subclasses let callers that can recover
 * catch exactly what they handle.
 *
 * <p>Server errors carry the wire status as {@link #code()} (for example {@code not_found}) and the
 * request id where the server sent one. Messages never contain tokens or credentials.
 *
 * <pre>{@code
 * try {
 *   client.sandboxes().get("sbx_missing");
 * } catch (NotFoundException e) {
 *   // gone: create a new one
 * } catch (TenkiException e) {
 *   log.warn("tenki call failed ({}), request id {}", e.code(), e.requestId().orElse("-"));
 * }
 * }</pre>
 *
 * <p>Instances are immutable and safe to share between threads.
 */
public class TenkiException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final String code;
  private final String requestId;

  /**
   * Creates an exception.
   *
   * @param message what went wrong, naming the operation
   * @param code the status code in Connect spelling ({@code not_found}, {@code unavailable}, ...)
   *     or an SDK-specific word such as {@code command_failed}
   * @param requestId the server's request id, or {@code null} when unknown
   * @param cause the underlying error, or {@code null}
   */
  public TenkiException(String message, String code, String requestId, Throwable cause) {
    super(message, cause);
    this.code = code == null ? "unknown" : code;
    this.requestId = requestId;
  }

  /** Creates an exception with code {@code unknown}. */
  public TenkiException(String message) {
    this(message, "unknown", null, null);
  }

  /** The status code in Connect spelling, for example {@code not_found} or {@code unavailable}. */
  public String code() {
    return code;
  }

  /** The request id the server attached to the failed call, when it sent one. */
  public Optional<String> requestId() {
    return Optional.ofNullable(requestId);
  }

  /**
   * Whether repeating the same call later may succeed. The SDK already retries safe calls a few
   * times with backoff before it throws.
   */
  public boolean retryable() {
    return false;
  }
}
