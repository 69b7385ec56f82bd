package cloud.tenki.sandbox.fake;

import cloud.tenki.proto.sandbox.v1.SessionState;
import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.grpc.Status;
import java.util.Queue;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Counts calls, records headers, injects failures, and checks auth: Bearer token on the control
 * plane and SSH services, {@code x-tenki-session-cert} on the data plane.
 */
final class FakeInterceptor implements ServerInterceptor {
  static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> CERT =
      Metadata.Key.of("x-tenki-session-cert", Metadata.ASCII_STRING_MARSHALLER);

  private final FakeTenki fake;

  FakeInterceptor(FakeTenki fake) {
    this.fake = fake;
  }

  @Override
  public <Q, R> ServerCall.Listener<Q> interceptCall(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    String service = call.getMethodDescriptor().getServiceName();
    String method = call.getMethodDescriptor().getBareMethodName();
    fake.calls.computeIfAbsent(method, k -> new AtomicInteger()).incrementAndGet();
    fake.lastHeaders.put(method, headers);
    Queue<Status> q = fake.failures.get(method);
    Status injected = q == null ? null : q.poll();
    if (injected != null) {
      return close(call, injected);
    }
    if (service.endsWith("SandboxSessionDataPlaneService")) {
      return dataPlane(call, headers, next);
    }
    String auth = headers.get(AUTHORIZATION);
    String expected = fake.token;
    if (auth == null
        || !auth.startsWith("Bearer ")
        || auth.length() <= 7
        || (expected != null && !auth.equals("Bearer " + expected))) {
      return close(call, Status.UNAUTHENTICATED.withDescription("invalid bearer token"));
    }
    return guard(call, next.startCall(call, headers));
  }

  /** Turns a thrown StatusRuntimeException into the call's status, as the real server does. */
  private static <Q, R> ServerCall.Listener<Q> guard(
      ServerCall<Q, R> call, ServerCall.Listener<Q> delegate) {
    return new io.grpc.ForwardingServerCallListener.SimpleForwardingServerCallListener<>(delegate) {
      @Override
      public void onMessage(Q message) {
        try {
          super.onMessage(message);
        } catch (io.grpc.StatusRuntimeException e) {
          closeQuietly(call, e.getStatus());
        }
      }

      @Override
      public void onHalfClose() {
        try {
          super.onHalfClose();
        } catch (io.grpc.StatusRuntimeException e) {
          closeQuietly(call, e.getStatus());
        }
      }
    };
  }

  private static void closeQuietly(ServerCall<?, ?> call, Status status) {
    try {
      call.close(status, new Metadata());
    } catch (IllegalStateException alreadyClosed) {
      // the handler closed the call before failing
    }
  }

  private <Q, R> ServerCall.Listener<Q> dataPlane(
      ServerCall<Q, R> call, Metadata headers, ServerCallHandler<Q, R> next) {
    if (fake.dataPlaneUnimplemented.getAndUpdate(n -> Math.max(0, n - 1)) > 0) {
      return close(call, Status.UNIMPLEMENTED.withDescription("route not live yet"));
    }
    String cert = headers.get(CERT);
    FakeTenki.Credential c = cert == null ? null : fake.credentials.get(cert);
    if (c == null || !fake.clock.instant().isBefore(c.expiresAt())) {
      return close(call, Status.UNAUTHENTICATED.withDescription("session credential not valid"));
    }
    FakeSession s = fake.sessions.get(c.sessionId());
    if (s == null || s.state() == SessionState.SESSION_STATE_TERMINATED) {
      return close(call, Status.NOT_FOUND.withDescription("session not found"));
    }
    if (s.state() != SessionState.SESSION_STATE_RUNNING) {
      return close(call, Status.FAILED_PRECONDITION.withDescription("session is " + s.state()));
    }
    Context ctx = Context.current().withValue(FakeTenki.SESSION, s);
    return guard(call, Contexts.interceptCall(ctx, call, headers, next));
  }

  private static <Q, R> ServerCall.Listener<Q> close(ServerCall<Q, R> call, Status status) {
    Metadata trailers = new Metadata();
    trailers.put(Metadata.Key.of("x-request-id", Metadata.ASCII_STRING_MARSHALLER), "req-fake-1");
    call.close(status, trailers);
    return new ServerCall.Listener<>() {};
  }
}
