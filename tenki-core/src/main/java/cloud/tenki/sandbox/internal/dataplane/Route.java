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

  @Override
  public String toString() {
    return "Route[" + endpoint.base() + "]"; // never print the credential
  }
}
