package cloud.tenki.sandbox.internal.control;

import cloud.tenki.proto.sandbox.v1.SandboxServiceGrpc;
import cloud.tenki.proto.sandbox.v1.SandboxServiceGrpc.SandboxServiceBlockingStub;
import cloud.tenki.sandbox.internal.errors.ErrorMapper;
import cloud.tenki.sandbox.internal.retry.Retrier;
import cloud.tenki.sandbox.internal.transport.Headers;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Function;

/** Calls to {@code SandboxService} with auth headers, deadlines, error mapping and safe retries. */
public final class ControlPlane {
  private final Channel channel;
  private final Retrier retrier;
  private final Duration callTimeout;

  public ControlPlane(Channel raw, String token, Retrier retrier, Duration callTimeout) {
    this.channel = ClientInterceptors.intercept(raw, Headers.controlPlane(token));
    this.retrier = retrier;
    this.callTimeout = callTimeout;
  }

  /** The authenticated channel (also used for the SSH gateway service in process). */
  public Channel channel() {
    return channel;
  }

  public Retrier retrier() {
    return retrier;
  }

  public Duration callTimeout() {
    return callTimeout;
  }

  /** A stub whose calls must finish within {@code deadline}. */
  public SandboxServiceBlockingStub stub(Duration deadline) {
    return SandboxServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  /** One unary call with the default deadline; retried on transient errors only if safe. */
  public <T> T call(String op, boolean safe, Function<SandboxServiceBlockingStub, T> fn) {
    return call(op, safe, callTimeout, fn);
  }

  /** One unary call with an explicit deadline. */
  public <T> T call(
      String op, boolean safe, Duration deadline, Function<SandboxServiceBlockingStub, T> fn) {
    return retrier.call(
        op,
        safe,
        () -> {
          try {
            return fn.apply(stub(deadline));
          } catch (RuntimeException e) {
            throw ErrorMapper.fromGrpc(op, e);
          }
        });
  }
}
