package cloud.tenki.sandbox.internal.errors;

import cloud.tenki.sandbox.AuthenticationException;
import cloud.tenki.sandbox.ConflictException;
import cloud.tenki.sandbox.InvalidArgumentException;
import cloud.tenki.sandbox.NotFoundException;
import cloud.tenki.sandbox.PermissionDeniedException;
import cloud.tenki.sandbox.QuotaExceededException;
import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.TenkiTimeoutException;
import cloud.tenki.sandbox.UnavailableException;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Locale;

/**
 * The one place wire errors become SDK exceptions: gRPC status, Connect error JSON, and plain HTTP
 * status (WebSocket upgrades). Messages name the operation and the request id, never credentials.
 */
public final class ErrorMapper {
  private static final Metadata.Key<String> REQUEST_ID =
      Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> TENKI_REQUEST_ID =
      Metadata.Key.of("x-tenki-request-id", Metadata.ASCII_STRING_MARSHALLER);

  private ErrorMapper() {}

  /** Maps any throwable from a gRPC call; SDK exceptions pass through unchanged. */
  public static TenkiException fromGrpc(String operation, Throwable t) {
    if (t instanceof TenkiException te) {
      return te;
    }
    Status status = Status.fromThrowable(t);
    Metadata trailers = Status.trailersFromThrowable(t);
    String requestId = null;
    if (trailers != null) {
      requestId = trailers.get(REQUEST_ID);
      if (requestId == null) {
        requestId = trailers.get(TENKI_REQUEST_ID);
      }
    }
    String code = status.getCode().name().toLowerCase(Locale.ROOT);
    String detail = status.getDescription() == null ? "" : ": " + status.getDescription();
    if (status.getCode() == Status.Code.UNKNOWN && status.getCause() != null) {
      detail = ": " + status.getCause().getClass().getSimpleName();
    }
    return create(operation + " failed (" + code + ")" + detail, code, requestId, t);
  }

  /** Maps a Connect error body ({@code code}, {@code message}) or, without one, its status. */
  public static TenkiException fromConnect(
      String operation, int httpStatus, String code, String message, String requestId) {
    String c = code == null || code.isBlank() ? codeForHttpStatus(httpStatus) : code;
    String detail = message == null || message.isBlank() ? "" : ": " + message;
    return create(
        operation + " failed (" + c + ", HTTP " + httpStatus + ")" + detail, c, requestId, null);
  }

  /** Maps a WebSocket upgrade refusal. */
  public static TenkiException fromUpgradeStatus(String operation, int httpStatus, String why) {
    String c = codeForHttpStatus(httpStatus);
    return create(operation + " refused (HTTP " + httpStatus + "): " + why, c, null, null);
  }

  /** The Connect code that corresponds to an HTTP status (Connect's own table). */
  public static String codeForHttpStatus(int status) {
    return switch (status) {
      case 400 -> "invalid_argument";
      case 401 -> "unauthenticated";
      case 403 -> "permission_denied";
      case 404 -> "not_found";
      case 408, 504 -> "deadline_exceeded";
      case 409 -> "failed_precondition";
      case 429 -> "resource_exhausted";
      case 501 -> "unimplemented";
      case 502, 503 -> "unavailable";
      default -> "unknown";
    };
  }

  /** Picks the exception type for a Connect-spelled code. */
  public static TenkiException create(String message, String code, String requestId, Throwable t) {
    String withId = requestId == null ? message : message + " (request id " + requestId + ")";
    return switch (code) {
      case "unauthenticated" -> new AuthenticationException(withId, code, requestId, t);
      case "permission_denied" -> new PermissionDeniedException(withId, code, requestId, t);
      case "not_found" -> new NotFoundException(withId, code, requestId, t);
      case "invalid_argument", "out_of_range" ->
          new InvalidArgumentException(withId, code, requestId, t);
      case "already_exists", "failed_precondition", "aborted" ->
          new ConflictException(withId, code, requestId, t);
      case "resource_exhausted" -> new QuotaExceededException(withId, code, requestId, t);
      case "deadline_exceeded" -> new TenkiTimeoutException(withId, code, requestId, t);
      case "unavailable" -> new UnavailableException(withId, code, requestId, t);
      default -> new TenkiException(withId, code, requestId, t);
    };
  }
}
