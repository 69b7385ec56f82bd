package cloud.tenki.sandbox.internal.dataplane;

import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceGrpc;
import cloud.tenki.sandbox.internal.transport.Endpoint;
import cloud.tenki.sandbox.internal.transport.Headers;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.TimeUnit;

/**
 * A usable data-plane route: endpoint, credential and when to renew it.
 *
 * @param endpoint where the data plane is
 * @param credential the {@code x-tenki-session-cert} value
 * @param renewAt half of the credential's remaining lifetime after it was received
 * @param channel the channel with the credential attached
 */
public record Route(Endpoint endpoint, String credential, Instant renewAt, Channel channel) {

  static Route create(Endpoint endpoint, String credential, Instant renewAt, Channel raw) {
    return new Route(
        endpoint,
        credential,
        renewAt,
        ClientInterceptors.intercept(raw, Headers.dataPlane(credential)));
  }

  public SandboxSessionDataPlaneServiceGrpc.SandboxSessionDataPlaneServiceBlockingStub blocking(
      Duration deadline) {
    return SandboxSessionDataPlaneServiceGrpc.newBlockingStub(channel)
        .withDeadlineAfter(deadline.toMillis(), TimeUnit.MILLISECONDS);
  }

  public SandboxSessionDataPlaneServiceGrpc.SandboxSessionDataPlaneServiceStub async() {
    return SandboxSessionDataPlaneServiceGrpc.newStub(channel);
  }

  /** A stub whose callbacks run on {@code executor}. */
  public SandboxSessionDataPlaneServiceGrpc.SandboxSessionDataPlaneServiceStub async(
      java.util.concurrent.Executor executor) {
    return SandboxSessionDataPlaneServiceGrpc.newStub(channel).withExecutor(executor);
  }

  /**
   * A stub whose callbacks run on the transport thread, saving a thread hop per message. Only for
   * callbacks that never block (the SDK's own); user code must not run there.
   */
  public SandboxSessionDataPlaneServiceGrpc.SandboxSessionDataPlaneServiceStub asyncDirect() {
    return SandboxSessionDataPlaneServiceGrpc.newStub(channel).withExecutor(Runnable::run);
  }

  @Override
  public String toString() {
    return "Route[" + endpoint.base() + "]"; // never print the credential
  }
}
