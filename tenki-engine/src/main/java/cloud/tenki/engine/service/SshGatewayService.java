package cloud.tenki.engine.service;

import cloud.tenki.engine.session.Session;
import cloud.tenki.engine.session.SessionManager;
import cloud.tenki.engine.ssh.SshCa;
import cloud.tenki.proto.sandbox.v1.ActiveSSHGateway;
import cloud.tenki.proto.sandbox.v1.IssueSandboxSSHCertRequest;
import cloud.tenki.proto.sandbox.v1.IssueSandboxSSHCertResponse;
import cloud.tenki.proto.sandbox.v1.ListActiveSSHGatewaysRequest;
import cloud.tenki.proto.sandbox.v1.ListActiveSSHGatewaysResponse;
import cloud.tenki.proto.sandbox.v1.SSHCertPermissions;
import cloud.tenki.proto.sandbox.v1.SSHGatewayClientServiceGrpc;
import cloud.tenki.proto.sandbox.v1.SessionState;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.grpc.stub.StreamObserver;
import java.time.Clock;
import java.time.Duration;
import java.util.function.Supplier;

/**
 * SSH certificates and gateway discovery: the engine is its own CA, and its gateway is its own HTTP
 * endpoint ({@code ws://host:port}, started on demand in embedded mode). Thread-safe.
 */
public final class SshGatewayService
    extends SSHGatewayClientServiceGrpc.SSHGatewayClientServiceImplBase {

  private final SessionManager sessions;
  private final SshCa ca;
  private final Supplier<String> httpBase;
  private final Clock clock;

  /**
   * @param httpBase the engine's {@code http://host:port} (may start the listener)
   */
  public SshGatewayService(
      SessionManager sessions, SshCa ca, Supplier<String> httpBase, Clock clock) {
    this.sessions = sessions;
    this.ca = ca;
    this.httpBase = httpBase;
    this.clock = clock;
  }

  @Override
  public void issueSandboxSSHCert(
      IssueSandboxSSHCertRequest req, StreamObserver<IssueSandboxSSHCertResponse> out) {
    Calls.unary(
        out,
        () -> {
          Session s = sessions.get(req.getSessionId());
          if (s.state() == SessionState.SESSION_STATE_TERMINATED) {
            throw Status.FAILED_PRECONDITION
                .withDescription("session " + s.id() + " is not running (state=TERMINATED)")
                .asRuntimeException();
          }
          Duration ttl =
              req.hasRequestedTtl()
                  ? Duration.ofSeconds(
                      req.getRequestedTtl().getSeconds(), req.getRequestedTtl().getNanos())
                  : null;
          SshCa.Issued cert = ca.issue(s.id(), req.getPublicKey(), ttl);
          Duration life = Duration.between(clock.instant(), cert.expiresAt());
          return IssueSandboxSSHCertResponse.newBuilder()
              .setSshCert(cert.certificateLine())
              .setCaPub(ca.publicKeyLine())
              .setExpiresAt(
                  Timestamp.newBuilder()
                      .setSeconds(cert.expiresAt().getEpochSecond())
                      .setNanos(cert.expiresAt().getNano()))
              .setCertSerial(Long.toHexString(cert.serial()))
              .setRenewalAfter(
                  com.google.protobuf.Duration.newBuilder().setSeconds(life.getSeconds() / 2))
              .setPermissions(SSHCertPermissions.newBuilder().setAllowPty(true))
              .build();
        });
  }

  @Override
  public void listActiveSSHGateways(
      ListActiveSSHGatewaysRequest req, StreamObserver<ListActiveSSHGatewaysResponse> out) {
    Calls.unary(
        out,
        () -> {
          String base = httpBase.get();
          Timestamp now =
              Timestamp.newBuilder().setSeconds(clock.instant().getEpochSecond()).build();
          return ListActiveSSHGatewaysResponse.newBuilder()
              .addGateways(
                  ActiveSSHGateway.newBuilder()
                      .setGatewayId("local")
                      .setRegion("local")
                      .setPublicEndpoint(base)
                      .setWsBridgeEndpoint("ws://" + base.substring("http://".length()))
                      .setLastHeartbeatAt(now)
                      .setHealthy(true))
              .build();
        });
  }
}
