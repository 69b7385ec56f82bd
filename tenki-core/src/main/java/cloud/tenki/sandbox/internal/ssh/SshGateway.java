package cloud.tenki.sandbox.internal.ssh;

import cloud.tenki.proto.sandbox.v1.ActiveSSHGateway;
import cloud.tenki.proto.sandbox.v1.IssueSandboxSSHCertRequest;
import cloud.tenki.proto.sandbox.v1.IssueSandboxSSHCertResponse;
import cloud.tenki.proto.sandbox.v1.ListActiveSSHGatewaysRequest;
import cloud.tenki.proto.sandbox.v1.ListActiveSSHGatewaysResponse;
import cloud.tenki.proto.sandbox.v1.SSHGatewayClientServiceGrpc;
import cloud.tenki.sandbox.ConfigurationException;
import cloud.tenki.sandbox.SshCertificate;
import cloud.tenki.sandbox.SshConnection;
import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.internal.connect.ConnectClient;
import cloud.tenki.sandbox.internal.errors.ErrorMapper;
import cloud.tenki.sandbox.internal.mapper.WireMapper;
import cloud.tenki.sandbox.internal.transport.Endpoint;
import io.grpc.Channel;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import okhttp3.OkHttpClient;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SSH certificates and gateway transports. Certificate RPCs go over Connect (HTTP/1.1-friendly)
 * when the API is reached over HTTP, and over gRPC on an in-process engine, which has no HTTP.
 */
public final class SshGateway {
  private static final Logger log = LoggerFactory.getLogger(SshGateway.class);
  private static final String SERVICE = "tenki.sandbox.v1.SSHGatewayClientService";

  private final Endpoint api;
  private final String token;
  private final Optional<String> pinned;
  private final Supplier<OkHttpClient> http;
  private final Channel controlChannel;
  private final Duration timeout;
  private volatile String gateway;

  public SshGateway(
      Endpoint api,
      String token,
      Optional<String> pinned,
      Supplier<OkHttpClient> http,
      Channel controlChannel,
      Duration timeout) {
    this.api = api;
    this.token = token;
    this.pinned = pinned;
    this.http = http;
    this.controlChannel = controlChannel;
    this.timeout = timeout;
  }

  public SshCertificate issueCert(String sessionId, String publicKey, Duration ttl) {
    IssueSandboxSSHCertRequest req =
        IssueSandboxSSHCertRequest.newBuilder()
            .setSessionId(sessionId)
            .setPublicKey(publicKey.strip())
            .setRequestedTtl(WireMapper.toProto(ttl))
            .build();
    IssueSandboxSSHCertResponse resp;
    if (api.isHttp()) {
      resp =
          connect()
              .call(SERVICE, "IssueSandboxSSHCert", req, IssueSandboxSSHCertResponse.newBuilder())
              .build();
    } else {
      try {
        resp = grpc().issueSandboxSSHCert(req);
      } catch (RuntimeException e) {
        throw ErrorMapper.fromGrpc("IssueSandboxSSHCert", e);
      }
    }
    return WireMapper.sshCert(resp);
  }

  /** The gateway base URL: pinned, else the first healthy active gateway, else derived. */
  public String gateway() {
    String g = gateway;
    if (g == null) {
      g = pinned.orElseGet(this::discover);
      gateway = g;
    }
    return g;
  }

  private String discover() {
    try {
      ListActiveSSHGatewaysRequest req = ListActiveSSHGatewaysRequest.getDefaultInstance();
      ListActiveSSHGatewaysResponse resp =
          api.isHttp()
              ? connect()
                  .call(
                      SERVICE,
                      "ListActiveSSHGateways",
                      req,
                      ListActiveSSHGatewaysResponse.newBuilder())
                  .build()
              : grpc().listActiveSSHGateways(req);
      for (ActiveSSHGateway gw : resp.getGatewaysList()) {
        if (gw.getHealthy() && !gw.getWsBridgeEndpoint().isBlank()) {
          return gw.getWsBridgeEndpoint();
        }
      }
    } catch (TenkiException | io.grpc.StatusRuntimeException e) {
      log.debug("gateway discovery failed, deriving the gateway URL: {}", e.getMessage());
    }
    if (!api.isHttp()) {
      throw new ConfigurationException(
          "no active SSH gateway reported by "
              + api.base()
              + ": set TENKI_SANDBOX_GATEWAY_URL or the builder's gatewayUrl");
    }
    return GatewayResolver.derive(api.base());
  }

  public SshConnection connect(String sessionId) {
    String url = GatewayResolver.webSocketUrl(gateway(), sessionId);
    return WebSocketSshConnection.open(http.get(), url, token, timeout);
  }

  private ConnectClient connect() {
    return new ConnectClient(http.get(), api.base(), token);
  }

  private SSHGatewayClientServiceGrpc.SSHGatewayClientServiceBlockingStub grpc() {
    return SSHGatewayClientServiceGrpc.newBlockingStub(controlChannel)
        .withDeadlineAfter(timeout.toMillis(), TimeUnit.MILLISECONDS);
  }
}
