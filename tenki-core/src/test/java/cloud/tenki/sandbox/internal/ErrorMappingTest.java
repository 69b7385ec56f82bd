package cloud.tenki.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.AuthenticationException;
import cloud.tenki.sandbox.ConflictException;
import cloud.tenki.sandbox.InvalidArgumentException;
import cloud.tenki.sandbox.NotFoundException;
import cloud.tenki.sandbox.PermissionDeniedException;
import cloud.tenki.sandbox.QuotaExceededException;
import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.TenkiTimeoutException;
import cloud.tenki.sandbox.UnavailableException;
import cloud.tenki.sandbox.internal.errors.ErrorMapper;
import io.grpc.Metadata;
import io.grpc.Status;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Status codes map to one exception type each, in gRPC and Connect spelling alike. */
class ErrorMappingTest {
  static final Map<Status.Code, Class<? extends TenkiException>> GRPC =
      Map.ofEntries(
          Map.entry(Status.Code.UNAUTHENTICATED, AuthenticationException.class),
          Map.entry(Status.Code.PERMISSION_DENIED, PermissionDeniedException.class),
          Map.entry(Status.Code.NOT_FOUND, NotFoundException.class),
          Map.entry(Status.Code.INVALID_ARGUMENT, InvalidArgumentException.class),
          Map.entry(Status.Code.OUT_OF_RANGE, InvalidArgumentException.class),
          Map.entry(Status.Code.ALREADY_EXISTS, ConflictException.class),
          Map.entry(Status.Code.FAILED_PRECONDITION, ConflictException.class),
          Map.entry(Status.Code.ABORTED, ConflictException.class),
          Map.entry(Status.Code.RESOURCE_EXHAUSTED, QuotaExceededException.class),
          Map.entry(Status.Code.DEADLINE_EXCEEDED, TenkiTimeoutException.class),
          Map.entry(Status.Code.UNAVAILABLE, UnavailableException.class));

  @Test
  void grpcStatusesMapToTypedExceptionsWithRequestId() {
    GRPC.forEach(
        (code, type) -> {
          Metadata trailers = new Metadata();
          trailers.put(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER), "req-42");
          TenkiException e =
              ErrorMapper.fromGrpc(
                  "GetSession",
                  Status.fromCode(code).withDescription("why").asRuntimeException(trailers));
          assertThat(e).as(code.name()).isExactlyInstanceOf(type);
          assertThat(e.requestId()).contains("req-42");
          assertThat(e.getMessage()).contains("GetSession").contains("why").contains("req-42");
          assertThat(e.retryable()).isEqualTo(code == Status.Code.UNAVAILABLE);
        });
    assertThat(ErrorMapper.fromGrpc("X", Status.INTERNAL.asRuntimeException()))
        .isExactlyInstanceOf(TenkiException.class)
        .extracting(TenkiException::code)
        .isEqualTo("internal");
  }

  @Test
  void connectCodesAndBareHttpStatusesMapTheSameWay() {
    assertThat(ErrorMapper.fromConnect("Op", 404, "not_found", "gone", "r1"))
        .isInstanceOf(NotFoundException.class);
    assertThat(ErrorMapper.fromConnect("Op", 400, null, null, null))
        .isInstanceOf(InvalidArgumentException.class);
    assertThat(ErrorMapper.fromConnect("Op", 401, null, null, null))
        .isInstanceOf(AuthenticationException.class);
    assertThat(ErrorMapper.fromConnect("Op", 403, null, null, null))
        .isInstanceOf(PermissionDeniedException.class);
    assertThat(ErrorMapper.fromConnect("Op", 409, null, null, null))
        .isInstanceOf(ConflictException.class);
    assertThat(ErrorMapper.fromConnect("Op", 429, null, null, null))
        .isInstanceOf(QuotaExceededException.class);
    assertThat(ErrorMapper.fromConnect("Op", 503, null, null, null))
        .isInstanceOf(UnavailableException.class);
    assertThat(ErrorMapper.fromConnect("Op", 504, null, null, null))
        .isInstanceOf(TenkiTimeoutException.class);
  }
}
