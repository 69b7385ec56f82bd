package cloud.tenki.engine.net;

import io.grpc.Status;
import java.util.Locale;

/** The Connect protocol's error codes and the HTTP statuses it pairs them with. */
final class ConnectCodes {

  private ConnectCodes() {}

  /** The Connect spelling of a gRPC code ({@code NOT_FOUND} becomes {@code not_found}). */
  static String name(Status.Code code) {
    return code == Status.Code.CANCELLED ? "canceled" : code.name().toLowerCase(Locale.ROOT);
  }

  /** The HTTP status the Connect protocol sends with an error of this code. */
  static int httpStatus(Status.Code code) {
    return switch (code) {
      case CANCELLED -> 499;
      case INVALID_ARGUMENT, FAILED_PRECONDITION, OUT_OF_RANGE -> 400;
      case DEADLINE_EXCEEDED -> 504;
      case NOT_FOUND -> 404;
      case ALREADY_EXISTS, ABORTED -> 409;
      case PERMISSION_DENIED -> 403;
      case RESOURCE_EXHAUSTED -> 429;
      case UNIMPLEMENTED -> 501;
      case UNAVAILABLE -> 503;
      case UNAUTHENTICATED -> 401;
      default -> 500;
    };
  }
}
