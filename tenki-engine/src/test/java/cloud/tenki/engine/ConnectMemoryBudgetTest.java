package cloud.tenki.engine;

import static cloud.tenki.engine.BudgetWatch.awaitAllFree;
import static cloud.tenki.engine.BudgetWatch.awaitCharged;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.ReadFileRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceReadFileRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceReadFileResponse;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileRequest;
import cloud.tenki.proto.sandbox.v1.WriteFileRequest;
import com.google.protobuf.ByteString;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Base64;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The memory budget seen from Connect clients: a 32 MiB budget, protobuf bodies charged twice and
 * JSON bodies five times. Bodies that announce more than the limit or the budget are refused before
 * they are read; a body of unknown length is refused once it outgrows the budget; a client that
 * stops half-way leaves nothing charged.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(60)
class ConnectMemoryBudgetTest {

  private static final int MIB = 1024 * 1024;
  private static final String DATA = "/tenki.sandbox.v1.SandboxSessionDataPlaneService/";

  private BudgetEngine fixture;
  private LocalEngine engine;
  private EngineClient client;
  private EngineClient.Sandbox sb;
  private HttpClient http;
  private String sha4;

  @BeforeAll
  void start() throws Exception {
    fixture = BudgetEngine.start(Duration.ofSeconds(1));
    engine = fixture.engine;
    client = fixture.client;
    sb = fixture.sb;
    sha4 = fixture.sha4;
    http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
  }

  @AfterAll
  void stop() {
    if (fixture != null) {
      fixture.close();
    }
  }

  @AfterEach
  void everythingWasReturned() {
    awaitAllFree(engine.budget());
  }

  private HttpResponse<byte[]> post(String method, String type, byte[] body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(engine.endpoint() + DATA + method))
            .timeout(Duration.ofSeconds(50))
            .header("Content-Type", type)
            .header("Connect-Protocol-Version", "1")
            .header("x-tenki-session-cert", sb.credential)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body))
            .build(),
        HttpResponse.BodyHandlers.ofByteArray());
  }

  private byte[] readJson(String path) {
    return ("{\"request\":{\"sessionId\":\"" + sb.id + "\",\"path\":\"" + path + "\"}}")
        .getBytes(StandardCharsets.UTF_8);
  }

  private static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  private static String text(HttpResponse<byte[]> r) {
    return new String(r.body(), StandardCharsets.UTF_8);
  }

  @Test
  void largeJsonAndProtobufCallsSucceedAndReturnEverything() throws Exception {
    HttpResponse<byte[]> json = post("ReadFile", "application/json", readJson("f4"));
    assertThat(json.statusCode()).as(text(json)).isEqualTo(200);
    String b64 = text(json).replaceAll(".*\"content\":\"([^\"]*)\".*", "$1");
    assertThat(sha256(Base64.getDecoder().decode(b64))).isEqualTo(sha4);
    awaitAllFree(engine.budget());

    HttpResponse<byte[]> proto =
        post(
            "ReadFile",
            "application/proto",
            SandboxSessionDataPlaneServiceReadFileRequest.newBuilder()
                .setRequest(ReadFileRequest.newBuilder().setSessionId(sb.id).setPath("f12"))
                .build()
                .toByteArray());
    assertThat(proto.statusCode()).isEqualTo(200);
    byte[] content =
        SandboxSessionDataPlaneServiceReadFileResponse.parseFrom(proto.body())
            .getResponse()
            .getContent()
            .toByteArray();
    assertThat(content).hasSize(12 * MIB);
    awaitAllFree(engine.budget());

    byte[] data = new byte[4 * MIB];
    new Random(4).nextBytes(data);
    String body =
        "{\"request\":{\"sessionId\":\""
            + sb.id
            + "\",\"path\":\"j4\",\"content\":\""
            + Base64.getEncoder().encodeToString(data)
            + "\"}}";
    HttpResponse<byte[]> wrote =
        post("WriteFile", "application/json", body.getBytes(StandardCharsets.UTF_8));
    assertThat(wrote.statusCode()).as(text(wrote)).isEqualTo(200);
    assertThat(sb.run("sha256sum", "j4").out()).startsWith(sha256(data));
  }

  @Test
  void aCallLargerThanTheWholeBudgetIsRefusedAtOnce() throws Exception {
    // 12 MiB as JSON costs five copies: 60 MiB of a 32 MiB budget
    HttpResponse<byte[]> r = post("ReadFile", "application/json", readJson("f12"));
    assertThat(r.statusCode()).isEqualTo(429);
    assertThat(text(r)).contains("resource_exhausted").contains("whole budget");
  }

  @Test
  void aBodyAnnouncedLargerThanTheLimitIsRefusedWithoutReadingIt() throws Exception {
    try (RawHttp raw =
        new RawHttp(
            engine.endpoint(),
            DATA + "WriteFile",
            1L << 30,
            "Content-Type",
            "application/proto",
            "Connect-Protocol-Version",
            "1",
            "x-tenki-session-cert",
            sb.credential)) {
      // not a byte of the announced gigabyte is sent: the answer cannot wait for it
      RawHttp.Reply reply = raw.reply();
      assertThat(reply.status()).isEqualTo(429);
      assertThat(reply.body()).contains("resource_exhausted").contains("larger than 67108864");
    }
  }

  @Test
  void aBodyAnnouncedLargerThanTheBudgetIsRefusedWithoutReadingIt() throws Exception {
    try (RawHttp raw =
        new RawHttp(
            engine.endpoint(),
            DATA + "WriteFile",
            40L * MIB,
            "Content-Type",
            "application/proto",
            "Connect-Protocol-Version",
            "1",
            "x-tenki-session-cert",
            sb.credential)) {
      RawHttp.Reply reply = raw.reply();
      assertThat(reply.status()).isEqualTo(429);
      assertThat(reply.body()).contains("resource_exhausted").contains("whole budget");
    }
  }

  @Test
  void aBodyOfUnknownLengthIsRefusedOnceItOutgrowsTheBudget() throws Exception {
    try (RawHttp raw =
        new RawHttp(
            engine.endpoint(),
            DATA + "WriteFile",
            -1,
            "Content-Type",
            "application/json",
            "Connect-Protocol-Version",
            "1",
            "x-tenki-session-cert",
            sb.credential)) {
      // JSON that never ends; charged five times over, 32 MiB of budget take about 6 MiB of it
      raw.sendChunk("{\"request\":{\"content\":\"".getBytes(StandardCharsets.UTF_8));
      byte[] chunk = "A".repeat(256 * 1024).getBytes(StandardCharsets.US_ASCII);
      long sent = 0;
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(30);
      try {
        while (!raw.answered() && System.nanoTime() < deadline && sent < 64L * MIB) {
          raw.sendChunk(chunk);
          sent += chunk.length;
        }
      } catch (java.io.IOException e) {
        // the engine answered and stopped reading: the rest of the request is not wanted
      }
      RawHttp.Reply reply = raw.reply();
      assertThat(reply.status()).isEqualTo(429);
      assertThat(reply.body()).contains("resource_exhausted");
      assertThat(sent).as("bytes sent before the refusal").isLessThan(16L * MIB);
    }
  }

  @Test
  void aClientThatStopsHalfWayThroughABodyLeavesNothingCharged() throws Exception {
    byte[] message =
        SandboxSessionDataPlaneServiceWriteFileRequest.newBuilder()
            .setRequest(
                WriteFileRequest.newBuilder()
                    .setSessionId(sb.id)
                    .setPath("half")
                    .setContent(ByteString.copyFrom(new byte[12 * MIB])))
            .build()
            .toByteArray();
    RawHttp raw =
        new RawHttp(
            engine.endpoint(),
            DATA + "WriteFile",
            message.length,
            "Content-Type",
            "application/proto",
            "Connect-Protocol-Version",
            "1",
            "x-tenki-session-cert",
            sb.credential);
    try {
      raw.send(java.util.Arrays.copyOf(message, MIB));
      awaitCharged(engine.budget(), 2L * message.length);
    } finally {
      raw.close();
    }
    awaitAllFree(engine.budget());
    // the call is over (its account closed with it) and wrote nothing
    assertThat(sb.stat("half").getExists()).isFalse();
  }
}
