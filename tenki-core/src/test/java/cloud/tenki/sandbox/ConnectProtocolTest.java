package cloud.tenki.sandbox;

import static com.github.tomakehurst.wiremock.client.WireMock.aResponse;
import static com.github.tomakehurst.wiremock.client.WireMock.equalTo;
import static com.github.tomakehurst.wiremock.client.WireMock.get;
import static com.github.tomakehurst.wiremock.client.WireMock.matchingJsonPath;
import static com.github.tomakehurst.wiremock.client.WireMock.okJson;
import static com.github.tomakehurst.wiremock.client.WireMock.post;
import static com.github.tomakehurst.wiremock.client.WireMock.postRequestedFor;
import static com.github.tomakehurst.wiremock.client.WireMock.urlEqualTo;
import static com.github.tomakehurst.wiremock.core.WireMockConfiguration.options;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.github.tomakehurst.wiremock.WireMockServer;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The HTTP side of the SDK against WireMock: Connect JSON for the SSH certificate RPCs and the
 * WebSocket upgrade refusals of the SSH gateway.
 */
class ConnectProtocolTest {
  private static final String SSH_SERVICE = "/tenki.sandbox.v1.SSHGatewayClientService/";
  private WireMockServer wm;
  private TenkiClient client;

  @BeforeEach
  void start() {
    wm = new WireMockServer(options().dynamicPort().bindAddress("127.0.0.1"));
    wm.start();
    client =
        TenkiClient.builder()
            .environment(Map.of())
            .endpoint("http://127.0.0.1:" + wm.port())
            .token("tk_test_123")
            .build();
  }

  @AfterEach
  void stop() {
    client.close();
    wm.stop();
  }

  @Test
  void issueSshCertSpeaksConnectJson() {
    wm.stubFor(
        post(SSH_SERVICE + "IssueSandboxSSHCert")
            .withHeader("Connect-Protocol-Version", equalTo("1"))
            .withHeader("Authorization", equalTo("Bearer tk_test_123"))
            .withHeader("X-Tenki-Client-Family", equalTo("java_sdk"))
            .withHeader("X-Tenki-Client-Generation", equalTo("workspace_v1"))
            .withRequestBody(matchingJsonPath("$.sessionId", equalTo("sbx_1")))
            .withRequestBody(
                matchingJsonPath("$.publicKey", equalTo("ssh-ed25519 AAAAkey me@host")))
            .withRequestBody(matchingJsonPath("$.requestedTtl", equalTo("600s")))
            .willReturn(
                okJson(
                    "{\"sshCert\":\"ssh-ed25519-cert-v01@openssh.com AAAAcert\",\"caPub\":\"ssh-ed25519 AAAAca\","
                        + "\"expiresAt\":\"2030-01-01T00:10:00Z\",\"certSerial\":\"7\",\"renewalAfter\":\"300s\","
                        + "\"permissions\":{\"allowPty\":true,\"allowPortForwardingLocal\":true},\"someNewField\":1}")));
    SshCertificate cert =
        client.issueSshCert("sbx_1", "ssh-ed25519 AAAAkey me@host\n", Duration.ofMinutes(10));
    assertThat(cert.sshCert()).isEqualTo("ssh-ed25519-cert-v01@openssh.com AAAAcert");
    assertThat(cert.caPublicKey()).isEqualTo("ssh-ed25519 AAAAca");
    assertThat(cert.expiresAt()).contains(Instant.parse("2030-01-01T00:10:00Z"));
    assertThat(cert.serial()).isEqualTo("7");
    assertThat(cert.renewalAfter()).contains(Duration.ofMinutes(5));
    assertThat(cert.allowPty()).isTrue();
    assertThat(cert.allowPortForwarding()).isTrue();
    wm.verify(1, postRequestedFor(urlEqualTo(SSH_SERVICE + "IssueSandboxSSHCert")));
  }

  @Test
  void connectErrorsMapToTypedExceptionsWithRequestId() {
    wm.stubFor(
        post(SSH_SERVICE + "IssueSandboxSSHCert")
            .willReturn(
                aResponse()
                    .withStatus(404)
                    .withHeader("Content-Type", "application/json")
                    .withHeader("x-request-id", "req-77")
                    .withBody("{\"code\":\"not_found\",\"message\":\"session sbx_9 not found\"}")));
    assertThatThrownBy(
            () -> client.issueSshCert("sbx_9", "ssh-ed25519 AAAA", Duration.ofMinutes(1)))
        .isInstanceOf(NotFoundException.class)
        .hasMessageContaining("session sbx_9 not found")
        .hasMessageNotContaining("tk_test_123")
        .satisfies(e -> assertThat(((TenkiException) e).requestId()).contains("req-77"));
  }

  @Test
  void proxyErrorPagesMapByStatus() {
    wm.stubFor(
        post(SSH_SERVICE + "IssueSandboxSSHCert")
            .willReturn(aResponse().withStatus(503).withBody("<html>bad gateway</html>")));
    assertThatThrownBy(
            () -> client.issueSshCert("sbx_1", "ssh-ed25519 AAAA", Duration.ofMinutes(1)))
        .isInstanceOf(UnavailableException.class);
    wm.stubFor(
        post(SSH_SERVICE + "IssueSandboxSSHCert")
            .willReturn(aResponse().withStatus(429).withBody("slow down")));
    assertThatThrownBy(
            () -> client.issueSshCert("sbx_1", "ssh-ed25519 AAAA", Duration.ofMinutes(1)))
        .isInstanceOf(QuotaExceededException.class);
  }

  @Test
  void gatewayIsDiscoveredOnceAndUpgradeRefusalsAreTyped() {
    String gw = "http://127.0.0.1:" + wm.port();
    wm.stubFor(
        post(SSH_SERVICE + "ListActiveSSHGateways")
            .willReturn(
                okJson(
                    "{\"gateways\":[{\"gatewayId\":\"down\",\"healthy\":false,\"wsBridgeEndpoint\":\"http://127.0.0.1:1\"},"
                        + "{\"gatewayId\":\"up\",\"healthy\":true,\"wsBridgeEndpoint\":\""
                        + gw
                        + "\"}]}")));
    Map<Integer, Class<? extends TenkiException>> cases =
        Map.of(
            401, AuthenticationException.class,
            403, PermissionDeniedException.class,
            404, NotFoundException.class,
            409, ConflictException.class);
    cases.forEach(
        (status, type) -> {
          wm.stubFor(get("/v1/ssh/sbx_" + status).willReturn(aResponse().withStatus(status)));
          assertThatThrownBy(() -> client.ssh("sbx_" + status))
              .as("HTTP " + status)
              .isInstanceOf(type)
              .hasMessageContaining("HTTP " + status);
        });
    wm.verify(1, postRequestedFor(urlEqualTo(SSH_SERVICE + "ListActiveSSHGateways")));
    wm.verify(
        4,
        com.github.tomakehurst.wiremock.client.WireMock.getRequestedFor(
                com.github.tomakehurst.wiremock.client.WireMock.urlMatching("/v1/ssh/sbx_.*"))
            .withHeader("Authorization", equalTo("Bearer tk_test_123")));
  }

  @Test
  void pinnedGatewaySkipsDiscovery() {
    try (TenkiClient pinned =
        TenkiClient.builder()
            .environment(Map.of("TENKI_SANDBOX_GATEWAY_URL", "http://127.0.0.1:" + wm.port()))
            .endpoint("http://127.0.0.1:" + wm.port())
            .token("tk_test_123")
            .build()) {
      wm.stubFor(get("/v1/ssh/sbx_x").willReturn(aResponse().withStatus(403)));
      assertThatThrownBy(() -> pinned.ssh("sbx_x")).isInstanceOf(PermissionDeniedException.class);
      wm.verify(0, postRequestedFor(urlEqualTo(SSH_SERVICE + "ListActiveSSHGateways")));
    }
  }
}
