package cloud.tenki.mcp.http;

import static cloud.tenki.mcp.http.HttpHarness.ACCEPT_BOTH;
import static cloud.tenki.mcp.http.HttpHarness.call;
import static cloud.tenki.mcp.http.HttpHarness.initializeRequest;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.http.HttpHarness.Answer;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The Streamable HTTP transport's rules, with a real HTTP client against the real server. */
class HttpTransportTest {

  private HttpHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new HttpHarness();
  }

  @AfterEach
  void stop() {
    harness.close();
  }

  @Test
  void initializeCreatesASessionWithARandomVisibleAsciiId() throws Exception {
    Answer first = harness.post(null, initializeRequest("2025-11-25"));
    Answer second = harness.post(null, initializeRequest("2025-06-18"));
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.contentType()).startsWith("application/json");
    assertThat(first.single().at("/result/protocolVersion").asText()).isEqualTo("2025-11-25");
    assertThat(second.single().at("/result/protocolVersion").asText()).isEqualTo("2025-06-18");
    assertThat(first.sessionId()).matches("[A-Za-z0-9_-]{43}").isNotEqualTo(second.sessionId());
  }

  @Test
  void aFailedInitializeCreatesNoSession() throws Exception {
    Answer answer =
        harness.post(
            null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"initialize\",\"params\":{}}");
    assertThat(answer.single().at("/error/code").asInt()).isEqualTo(-32602);
    assertThat(answer.sessionId()).isNull();
    assertThat(harness.transport.sessionCount()).isZero();
  }

  @Test
  void notificationsAreAcceptedWith202AndRequestsAnsweredAsJson() throws Exception {
    String session = harness.initialize();
    Answer list = harness.post(session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\"}");
    assertThat(list.status()).isEqualTo(200);
    assertThat(list.contentType()).startsWith("application/json");
    assertThat(list.single().at("/result/tools").size()).isEqualTo(harness.tools.tools().size());
    Answer echo = harness.post(session, call(3, "echo", "{\"text\":\"hi\"}", null));
    assertThat(echo.single().at("/result/content/0/text").asText()).isEqualTo("hi");
  }

  @Test
  void streamedProgressTurnsTheAnswerIntoAnEventStream() throws Exception {
    String session = harness.initialize();
    Answer answer =
        harness.post(
            session,
            call(4, "slow", "{\"steps\":3,\"stepMillis\":1}", "{\"progressToken\":\"p\"}"));
    assertThat(answer.status()).isEqualTo(200);
    assertThat(answer.contentType()).startsWith("text/event-stream");
    List<JsonNode> progress = answer.messages().stream().filter(m -> m.has("method")).toList();
    assertThat(progress)
        .hasSize(3)
        .allSatisfy(m -> assertThat(m.at("/params/progressToken").asText()).isEqualTo("p"));
    assertThat(answer.response().at("/result/content/0/text").asText())
        .isEqualTo("slow finished 3 steps");
  }

  @Test
  void theAcceptHeaderIsRespected() throws Exception {
    String session = harness.initialize();
    Answer jsonOnly =
        harness.post(
            session,
            call(5, "slow", "{\"steps\":2,\"stepMillis\":1}", "{\"progressToken\":1}"),
            Map.of("Accept", "application/json"));
    assertThat(jsonOnly.contentType()).startsWith("application/json");
    assertThat(jsonOnly.single().at("/result/isError").asBoolean()).isFalse();
    Answer sseOnly =
        harness.post(
            session,
            "{\"jsonrpc\":\"2.0\",\"id\":6,\"method\":\"ping\"}",
            Map.of("Accept", "text/event-stream"));
    assertThat(sseOnly.contentType()).startsWith("text/event-stream");
    assertThat(sseOnly.single().get("result").isEmpty()).isTrue();
    Answer neither =
        harness.post(
            session,
            "{\"jsonrpc\":\"2.0\",\"id\":7,\"method\":\"ping\"}",
            Map.of("Accept", "text/html"));
    assertThat(neither.status()).isEqualTo(406);
  }

  @Test
  void sessionsAreRequiredAndEndOnDelete() throws Exception {
    assertThat(harness.post(null, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").status())
        .isEqualTo(400);
    assertThat(
            harness
                .post("no-such-session", "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}")
                .status())
        .isEqualTo(404);
    String session = harness.initialize();
    harness.post(session, call(1, "echo", "{\"text\":\"x\"}", null));
    assertThat(harness.send("DELETE", session, Map.of()).status()).isEqualTo(204);
    assertThat(harness.tools.endedConversations).hasSize(1);
    assertThat(harness.post(session, "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}").status())
        .isEqualTo(404);
    assertThat(harness.send("DELETE", session, Map.of()).status()).isEqualTo(404);
    assertThat(harness.send("DELETE", null, Map.of()).status()).isEqualTo(400);
  }

  @Test
  void theProtocolVersionHeaderIsChecked() throws Exception {
    String session = harness.initialize();
    String ping = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}";
    assertThat(
            harness
                .post(
                    session,
                    ping,
                    Map.of("Accept", ACCEPT_BOTH, "MCP-Protocol-Version", "1999-01-01"))
                .status())
        .isEqualTo(400);
    assertThat(
            harness
                .post(
                    session,
                    ping,
                    Map.of("Accept", ACCEPT_BOTH, "MCP-Protocol-Version", "2025-03-26"))
                .status())
        .isEqualTo(200);
    assertThat(
            harness
                .post(
                    session,
                    ping,
                    Map.of("Accept", ACCEPT_BOTH, "MCP-Protocol-Version", "2025-11-25"))
                .status())
        .isEqualTo(200);
  }

  @Test
  void getOpensOneListeningStreamPerSession() throws Exception {
    String session = harness.initialize();
    HttpResponse<InputStream> stream = harness.openStream("GET", session, null);
    try (InputStream body = stream.body()) {
      assertThat(stream.statusCode()).isEqualTo(200);
      assertThat(stream.headers().firstValue("Content-Type").orElse(""))
          .startsWith("text/event-stream");
      assertThat(harness.send("GET", session, Map.of("Accept", "text/event-stream")).status())
          .isEqualTo(409);
      // ending the session ends its stream
      assertThat(harness.send("DELETE", session, Map.of()).status()).isEqualTo(204);
      assertThat(body.readAllBytes()).asString().doesNotContain("data:");
    }
    assertThat(harness.send("GET", null, Map.of("Accept", "text/event-stream")).status())
        .isEqualTo(400);
    assertThat(harness.send("GET", "unknown", Map.of("Accept", "text/event-stream")).status())
        .isEqualTo(404);
    assertThat(harness.send("GET", session, Map.of("Accept", "application/json")).status())
        .isEqualTo(406);
    assertThat(harness.send("PUT", session, Map.of()).status()).isEqualTo(405);
  }

  @Test
  void cancellationEndsTheStreamWithoutAnAnswer() throws Exception {
    String session = harness.initialize();
    HttpResponse<InputStream> stream =
        harness.openStream(
            "POST",
            session,
            call(9, "slow", "{\"steps\":1000,\"stepMillis\":50}", "{\"progressToken\":9}"));
    try (InputStream body = stream.body()) {
      List<JsonNode> first = HttpHarness.readEvents(body, m -> m.has("method"));
      assertThat(first).hasSize(1);
      Answer cancel =
          harness.post(
              session,
              "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":9}}");
      assertThat(cancel.status()).isEqualTo(202);
      List<JsonNode> rest = HttpHarness.readEvents(body, m -> false);
      assertThat(rest).noneMatch(m -> m.has("result") || m.has("error"));
    }
    assertThat(harness.tools.cancelledCalls).hasSize(1);
  }

  @Test
  void aSlowCallBlocksNeitherPingsNorOtherCalls() throws Exception {
    String session = harness.initialize();
    CompletableFuture<Answer> slow =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return harness.post(
                    session, call(10, "slow", "{\"steps\":1,\"stepMillis\":3000}", null));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    waitUntil(() -> harness.tools.calls.size() == 1);
    Answer ping = harness.post(session, "{\"jsonrpc\":\"2.0\",\"id\":11,\"method\":\"ping\"}");
    Answer echo = harness.post(session, call(12, "echo", "{\"text\":\"fast\"}", null));
    assertThat(ping.status()).isEqualTo(200);
    assertThat(echo.single().at("/result/content/0/text").asText()).isEqualTo("fast");
    assertThat(slow).isNotDone();
    assertThat(slow.get().single().at("/result/content/0/text").asText())
        .isEqualTo("slow finished 1 steps");
  }

  @Test
  void oneSessionCannotCancelAnothersCall() throws Exception {
    String alice = harness.initialize();
    String mallory = harness.initialize();
    CompletableFuture<Answer> slow =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return harness.post(
                    alice, call(42, "slow", "{\"steps\":10,\"stepMillis\":400}", null));
              } catch (Exception e) {
                throw new IllegalStateException(e);
              }
            });
    waitUntil(() -> harness.tools.calls.size() == 1);
    assertThat(
            harness
                .post(
                    mallory,
                    "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":42}}")
                .status())
        .isEqualTo(202);
    harness.post(mallory, call(43, "echo", "{\"text\":\"m\"}", null));
    // the foreign cancel was handled (the echo after it was answered) while the call still ran
    assertThat(slow).as("alice's call still running after mallory's cancel").isNotDone();
    assertThat(slow.get().single().at("/result/content/0/text").asText())
        .isEqualTo("slow finished 10 steps");
    assertThat(harness.tools.cancelledCalls).isEmpty();
    List<String> keys = harness.tools.calls.stream().map(c -> c.split(" ")[0]).distinct().toList();
    assertThat(keys).hasSize(2).noneMatch(k -> k.contains(alice) || k.contains(mallory));
  }

  @Test
  void brokenBodiesAreRefusedAndTheServerKeepsServing() throws Exception {
    String session = harness.initialize();
    Answer garbage = harness.post(session, "{\"jsonrpc\":");
    assertThat(garbage.status()).isEqualTo(400);
    assertThat(garbage.single().at("/error/code").asInt()).isEqualTo(-32700);
    Answer huge =
        harness.post(session, call(1, "echo", "{\"text\":\"" + "x".repeat(70_000) + "\"}", null));
    assertThat(huge.status()).isEqualTo(413);
    Answer wrongType =
        harness.post(session, "{}", Map.of("Accept", ACCEPT_BOTH, "Content-Type", "text/plain"));
    assertThat(wrongType.status()).isEqualTo(415);
    Answer batch = harness.post(session, "[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}]");
    assertThat(batch.single().at("/error/code").asInt()).isEqualTo(-32600);
    Answer ping = harness.post(session, "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"ping\"}");
    assertThat(ping.status()).isEqualTo(200);
  }

  @Test
  void closingTheServerEndsEveryConversation() throws Exception {
    harness.initialize();
    harness.initialize();
    harness.close();
    assertThat(harness.tools.endedConversations).hasSize(2);
    assertThat(harness.tools.closed).isTrue();
  }

  static void waitUntil(java.util.function.BooleanSupplier condition) throws InterruptedException {
    long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > deadline) {
        throw new AssertionError("condition not met in time");
      }
      Thread.sleep(10);
    }
  }
}
