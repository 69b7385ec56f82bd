package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.proto.sandbox.v1.ListActiveSSHGatewaysRequest;
import cloud.tenki.proto.sandbox.v1.SSHGatewayClientServiceGrpc;
import cloud.tenki.proto.sandbox.v1.WhoAmIRequest;
import cloud.tenki.spi.EmbeddedEngine;
import cloud.tenki.spi.EmbeddedEngineProvider;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/**
 * An engine the SDK embeds serves one client, yet once a feature (SSH) starts its network listener
 * every local process can connect to 127.0.0.1. With "any token works" that process (a local user,
 * another program) could drive the client's sandboxes; the embedded engine must require a token
 * only its client knows.
 */
class EmbeddedTokenTest {

  private static int status(int port, String bearer) throws Exception {
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    HttpRequest req =
        HttpRequest.newBuilder(
                URI.create(
                    "http://127.0.0.1:" + port + "/tenki.sandbox.v1.SandboxService/ListSessions"))
            .timeout(Duration.ofSeconds(30))
            .header("Authorization", "Bearer " + bearer)
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString("{}"))
            .build();
    return http.send(req, HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  @Test
  void anEmbeddedEngineListenerNeedsTheTokenOnlyItsClientHas() throws Exception {
    EmbeddedEngineProvider provider =
        ServiceLoader.load(EmbeddedEngineProvider.class).findFirst().orElseThrow();
    try (EmbeddedEngine engine = provider.start(Map.of("isolation", "unshare"));
        EmbeddedEngine second = provider.start(Map.of("isolation", "unshare"));
        EngineClient owner = new EngineClient(engine.endpoint(), engine.token());
        EngineClient guesser = new EngineClient(engine.endpoint(), "tk_local")) {
      assertThat(owner.control.whoAmI(WhoAmIRequest.getDefaultInstance())).isNotNull();
      // what the SDK does before sb.ssh(): the listener starts on a loopback port
      Metadata md = new Metadata();
      md.put(EngineClient.AUTH, "Bearer " + engine.token());
      String ws =
          SSHGatewayClientServiceGrpc.newBlockingStub(owner.channel)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
              .listActiveSSHGateways(ListActiveSSHGatewaysRequest.getDefaultInstance())
              .getGateways(0)
              .getWsBridgeEndpoint();
      int port = URI.create(ws).getPort();
      // another local process, with any token it likes
      assertThat(status(port, "tk_local")).isEqualTo(401);
      assertThat(status(port, "anything")).isEqualTo(401);
      assertThatThrownBy(() -> guesser.control.whoAmI(WhoAmIRequest.getDefaultInstance()))
          .hasMessageContaining("UNAUTHENTICATED");
      assertThat(status(port, engine.token())).isEqualTo(200);
      assertThat(engine.token()).isNotEqualTo(second.token()).hasSizeGreaterThan(40);
      // an explicit token is kept
      try (EmbeddedEngine chosen = provider.start(Map.of("token", "tk_chosen"))) {
        assertThat(chosen.token()).isEqualTo("tk_chosen");
      }
    }
  }
}
