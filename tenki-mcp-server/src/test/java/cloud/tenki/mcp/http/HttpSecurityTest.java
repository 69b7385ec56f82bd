package cloud.tenki.mcp.http;

import static cloud.tenki.mcp.http.HttpHarness.call;
import static cloud.tenki.mcp.http.HttpHarness.initializeRequest;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.mcp.config.HttpSettings;
import cloud.tenki.mcp.protocol.McpServer;
import cloud.tenki.mcp.testing.TestTools;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** DNS-rebinding protection, bearer tokens, binding rules and session expiry. */
class HttpSecurityTest {

  private static final String PING = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";

  @Test
  void foreignHostsAndOriginsAreRefusedWith403() throws Exception {
    try (HttpHarness harness = new HttpHarness()) {
      int port = harness.endpoint.getPort();
      String init = initializeRequest("2025-11-25");
      assertThat(harness.rawPost("evil.example.com", "http://evil.example.com", init))
          .isEqualTo(403);
      assertThat(harness.rawPost("evil.example.com:" + port, null, init)).isEqualTo(403);
      assertThat(harness.rawPost("localhost:" + port, "http://evil.example.com", init))
          .isEqualTo(403);
      assertThat(harness.rawPost("localhost:" + port, "null", init)).isEqualTo(403);
      assertThat(harness.rawPost("127.0.0.1.evil.example.com:" + port, null, init)).isEqualTo(403);
      assertThat(harness.rawPost("localhost:" + port, "http://localhost:5173", init))
          .isEqualTo(200);
      assertThat(harness.rawPost("127.0.0.1:" + port, null, init)).isEqualTo(200);
      assertThat(harness.rawPost("[::1]:" + port, "http://[::1]:" + port, init)).isEqualTo(200);
      assertThat(harness.transport.sessionCount()).isEqualTo(3);
    }
  }

  @Test
  void aConfiguredTokenIsRequiredOnEveryRequest() throws Exception {
    try (HttpHarness harness =
        new HttpHarness("s3cret-token", Duration.ofMinutes(5), Duration.ofSeconds(60))) {
      String init = initializeRequest("2025-11-25");
      assertThat(harness.post(null, init).status()).isEqualTo(401);
      assertThat(harness.post(null, init, Map.of("Authorization", "Bearer wrong")).status())
          .isEqualTo(401);
      assertThat(
              harness.post(null, init, Map.of("Authorization", "Basic czNjcmV0LXRva2Vu")).status())
          .isEqualTo(401);
      HttpHarness.Answer ok =
          harness.post(
              null,
              init,
              Map.of("Authorization", "Bearer s3cret-token", "Accept", HttpHarness.ACCEPT_BOTH));
      assertThat(ok.status()).isEqualTo(200);
      assertThat(harness.post(ok.sessionId(), PING).status()).isEqualTo(401);
      assertThat(harness.send("DELETE", ok.sessionId(), Map.of()).status()).isEqualTo(401);
      assertThat(harness.transport.sessionCount()).isEqualTo(1);
    }
  }

  @Test
  void aRefusalBeforeTheBodyIsReadEndsTheConnection() throws Exception {
    try (HttpHarness harness =
        new HttpHarness("s3cret-token", Duration.ofMinutes(5), Duration.ofSeconds(60))) {
      String init = initializeRequest("2025-11-25");
      // refused unread: the client must not send its next request into this connection
      assertThat(harness.rawAnswerHead("Authorization: Bearer wrong\r\n", init))
          .startsWith("http/1.1 401")
          .contains("connection: close");
      // answered after reading the request: the connection stays open for the next one
      assertThat(harness.rawAnswerHead("Authorization: Bearer s3cret-token\r\n", init))
          .startsWith("http/1.1 200")
          .doesNotContain("connection: close");
    }
  }

  @Test
  void refusesToBindBeyondLoopbackWithoutAToken() {
    McpServer server = McpServer.builder(new TestTools()).build();
    HttpSettings open =
        new HttpSettings(
            "0.0.0.0", 0, "/mcp", null, List.of("*"), List.of("*"), Duration.ofMinutes(1), 4);
    assertThatThrownBy(() -> HttpTransport.start(server, open, 1 << 20))
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without a bearer token");
    server.close();
    assertThat(HttpTransport.isLoopback("127.0.0.1")).isTrue();
    assertThat(HttpTransport.isLoopback("::1")).isTrue();
    assertThat(HttpTransport.isLoopback("localhost")).isTrue();
    assertThat(HttpTransport.isLoopback("0.0.0.0")).isFalse();
  }

  // The idle timeouts below are real time and must cover the gaps between the test's own requests
  // (initialize, initialized, the call), which on a busy machine can take a good part of a second.

  @Test
  void idleSessionsExpireAndEndTheirConversation() throws Exception {
    try (HttpHarness harness =
        new HttpHarness(null, Duration.ofSeconds(2), Duration.ofSeconds(60))) {
      String session = harness.initialize();
      HttpTransportTest.waitUntil(() -> harness.tools.endedConversations.size() == 1);
      assertThat(harness.post(session, PING).status()).isEqualTo(404);
    }
  }

  @Test
  void aRunningCallKeepsItsSessionAliveAndItsConnectionOpen() throws Exception {
    // the call outlasts both the session idle timeout and the connections' idle timeout
    try (HttpHarness harness =
        new HttpHarness(null, Duration.ofSeconds(2), Duration.ofSeconds(2))) {
      String session = harness.initialize();
      HttpHarness.Answer answer =
          harness.post(
              session,
              call(1, "slow", "{\"steps\":1,\"stepMillis\":5000}", null),
              Map.of("Accept", "application/json"));
      assertThat(answer.status()).isEqualTo(200);
      assertThat(answer.single().at("/result/content/0/text").asText())
          .isEqualTo("slow finished 1 steps");
      assertThat(harness.tools.endedConversations).isEmpty();
    }
  }

  @Test
  void theSessionLimitIsEnforced() throws Exception {
    try (HttpHarness harness = new HttpHarness()) {
      for (int i = 0; i < 8; i++) {
        harness.initialize();
      }
      assertThat(harness.post(null, initializeRequest("2025-11-25")).status()).isEqualTo(503);
      assertThat(harness.tools.endedConversations).hasSize(1);
    }
  }
}
