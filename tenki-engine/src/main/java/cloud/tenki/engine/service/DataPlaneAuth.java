package cloud.tenki.engine.service;

import cloud.tenki.engine.session.Credentials;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;

/**
 * Requires a live {@code x-tenki-session-cert} credential on every data-plane call, checked when
 * the call starts (so a client without one is turned away before its request is read or charged to
 * the memory budget), and hands it to the service, which checks it against the session the request
 * names.
 */
public final class DataPlaneAuth implements ServerInterceptor {

  private final Credentials credentials;

  public DataPlaneAuth(Credentials credentials) {
    this.credentials = credentials;
  }

  static final Metadata.Key<String> CERT =
      Metadata.Key.of("x-tenki-session-cert", Metadata.ASCII_STRING_MARSHALLER);
  static final Context.Key<String> CREDENTIAL = Context.key("tenki-session-cert");

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String cert = headers.get(CERT);
    if (cert == null || cert.isBlank()) {
      call.close(
          Status.UNAUTHENTICATED.withDescription("missing x-tenki-session-cert credential"),
          new Metadata());
      return new ServerCall.Listener<>() {};
    }
    try {
      credentials.checkLive(cert.trim());
    } catch (StatusRuntimeException e) {
      call.close(e.getStatus(), new Metadata());
      return new ServerCall.Listener<>() {};
    }
    return Contexts.interceptCall(
        Context.current().withValue(CREDENTIAL, cert.trim()), call, headers, next);
  }
}
