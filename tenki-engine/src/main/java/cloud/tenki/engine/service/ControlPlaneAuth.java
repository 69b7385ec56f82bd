package cloud.tenki.engine.service;

import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.List;

/**
 * Authenticates control-plane calls. Official SDKs send their token as {@code Authorization:
 * Bearer}, {@code X-Session-Token} or a {@code tenki_session} cookie depending on its prefix, so
 * all three are accepted. Without a configured token any non-empty credential is accepted (the
 * engine then listens on loopback only); with one, it must match exactly (compared in constant
 * time).
 */
public final class ControlPlaneAuth implements ServerInterceptor {

  private static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> SESSION_TOKEN =
      Metadata.Key.of("x-session-token", Metadata.ASCII_STRING_MARSHALLER);
  private static final Metadata.Key<String> COOKIE =
      Metadata.Key.of("cookie", Metadata.ASCII_STRING_MARSHALLER);

  private final byte[] token;

  /** {@code token} null or empty accepts any presented credential. */
  public ControlPlaneAuth(String token) {
    this.token = token == null || token.isEmpty() ? null : token.getBytes(StandardCharsets.UTF_8);
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    Status denied = check(headers);
    if (denied != null) {
      call.close(denied, new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return next.startCall(call, headers);
  }

  /**
   * Checks the credentials in a set of headers: null when they are accepted, else the
   * UNAUTHENTICATED status to answer with (its message never contains a token).
   */
  public Status check(Metadata headers) {
    List<String> presented = presented(headers);
    if (presented.isEmpty()) {
      return Status.UNAUTHENTICATED.withDescription(
          "missing credentials: send Authorization: Bearer <token>");
    }
    if (token != null && presented.stream().noneMatch(this::matches)) {
      return Status.UNAUTHENTICATED.withDescription("invalid token for this engine");
    }
    return null;
  }

  private boolean matches(String candidate) {
    return MessageDigest.isEqual(token, candidate.getBytes(StandardCharsets.UTF_8));
  }

  private static List<String> presented(Metadata headers) {
    List<String> out = new ArrayList<>();
    String auth = headers.get(AUTHORIZATION);
    if (auth != null && auth.regionMatches(true, 0, "Bearer ", 0, 7)) {
      add(out, auth.substring(7).trim());
    }
    add(out, headers.get(SESSION_TOKEN));
    Iterable<String> cookies = headers.getAll(COOKIE);
    if (cookies != null) {
      for (String header : cookies) {
        for (String part : header.split(";")) {
          String p = part.trim();
          if (p.startsWith("tenki_session=")) {
            add(out, p.substring("tenki_session=".length()));
          }
        }
      }
    }
    return out;
  }

  private static void add(List<String> out, String v) {
    if (v != null && !v.isBlank()) {
      out.add(v.trim());
    }
  }
}
