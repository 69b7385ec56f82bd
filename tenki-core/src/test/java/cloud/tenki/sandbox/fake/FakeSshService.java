package cloud.tenki.sandbox.fake;

import cloud.tenki.proto.sandbox.v1.ActiveSSHGateway;
import cloud.tenki.proto.sandbox.v1.IssueSandboxSSHCertRequest;
import cloud.tenki.proto.sandbox.v1.IssueSandboxSSHCertResponse;
import cloud.tenki.proto.sandbox.v1.ListActiveSSHGatewaysRequest;
import cloud.tenki.proto.sandbox.v1.ListActiveSSHGatewaysResponse;
import cloud.tenki.proto.sandbox.v1.SSHCertPermissions;
import cloud.tenki.proto.sandbox.v1.SSHGatewayClientServiceGrpc;
import cloud.tenki.proto.sandbox.v1.SessionState;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Duration;
import java.time.Instant;
import org.apache.sshd.common.config.keys.OpenSshCertificate;

/** The fake {@code SSHGatewayClientService}: signs certificates and reports the gateway. */
final class FakeSshService extends SSHGatewayClientServiceGrpc.SSHGatewayClientServiceImplBase {
  private final FakeTenki fake;

  FakeSshService(FakeTenki fake) {
    this.fake = fake;
  }

  @Override
  public void issueSandboxSSHCert(
      IssueSandboxSSHCertRequest r, StreamObserver<IssueSandboxSSHCertResponse> out) {
    FakeSession s = fake.sessions.get(r.getSessionId());
    if (s == null) {
      throw Status.NOT_FOUND.withDescription("session not found").asRuntimeException();
    }
    if (s.state() != SessionState.SESSION_STATE_RUNNING) {
      throw Status.FAILED_PRECONDITION.withDescription("session not running").asRuntimeException();
    }
    long ttl = r.hasRequestedTtl() ? r.getRequestedTtl().getSeconds() : 600;
    if (ttl <= 0 || ttl > 86400) {
      throw Status.INVALID_ARGUMENT
          .withDescription("requested_ttl out of range")
          .asRuntimeException();
    }
    OpenSshCertificate cert;
    try {
      cert = fake.ssh.sign(r.getPublicKey(), Duration.ofSeconds(ttl), s.id);
    } catch (IllegalArgumentException e) {
      throw Status.INVALID_ARGUMENT.withDescription(e.getMessage()).asRuntimeException();
    }
    Instant expires = Instant.ofEpochSecond(cert.getValidBefore());
    out.onNext(
        IssueSandboxSSHCertResponse.newBuilder()
            .setSshCert(FakeSsh.line(cert))
            .setCaPub(fake.ssh.caPublicKey())
            .setExpiresAt(FakeControlPlane.ts(expires))
            .setCertSerial(Long.toString(cert.getSerial()))
            .setPermissions(SSHCertPermissions.newBuilder().setAllowPty(true))
            .build());
    out.onCompleted();
  }

  @Override
  public void listActiveSSHGateways(
      ListActiveSSHGatewaysRequest r, StreamObserver<ListActiveSSHGatewaysResponse> out) {
    ListActiveSSHGatewaysResponse.Builder b = ListActiveSSHGatewaysResponse.newBuilder();
    b.addGateways(
        ActiveSSHGateway.newBuilder()
            .setGatewayId("gw_down")
            .setHealthy(false)
            .setWsBridgeEndpoint("http://127.0.0.1:1"));
    String url = fake.gatewayUrl;
    if (url != null) {
      b.addGateways(
          ActiveSSHGateway.newBuilder()
              .setGatewayId("gw_fake")
              .setRegion("local")
              .setHealthy(true)
              .setWsBridgeEndpoint(url));
    }
    out.onNext(b.build());
    out.onCompleted();
  }
}
