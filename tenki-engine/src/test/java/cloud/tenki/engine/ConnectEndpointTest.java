package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.WhoAmIRequest;
import cloud.tenki.proto.sandbox.v1.WhoAmIResponse;
import com.google.protobuf.Struct;
import com.google.protobuf.util.JsonFormat;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.stub.ClientCalls;
import io.grpc.stub.MetadataUtils;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * The network endpoint with plain HTTP clients: Connect unary in JSON and binary over HTTP/1.1 and
 * HTTP/2, Connect errors with their HTTP statuses, and plain 404s for anything else.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class ConnectEndpointTest {

  private static final String SVC = "/tenki.sandbox.v1.SandboxService/";
  private static final String DATA = "/tenki.sandbox.v1.SandboxSessionDataPlaneService/";

  private LocalEngine engine;
  private HttpClient h1;
  private HttpClient h2;

  @BeforeAll
  void start() {
    engine = LocalEngine.builder().listen("127.0.0.1", 0).token("tk_connect").start();
    h1 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
    h2 = HttpClient.newBuilder().version(HttpClient.Version.HTTP_2).build();
  }

  @AfterAll
  void stop() {
    engine.close();
  }

  private HttpResponse<byte[]> post(
      HttpClient c, String path, String type, byte[] body, String... headers) throws Exception {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create(engine.endpoint() + path))
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", type)
            .POST(HttpRequest.BodyPublishers.ofByteArray(body));
    boolean version = false;
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
      version |= headers[i].equalsIgnoreCase("Connect-Protocol-Version");
    }
    if (!version) {
      b.header("Connect-Protocol-Version", "1");
    }
    return c.send(b.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  private HttpResponse<byte[]> json(String path, String body, String... headers) throws Exception {
    return post(h1, path, "application/json", body.getBytes(StandardCharsets.UTF_8), headers);
  }

  private static Struct struct(HttpResponse<byte[]> r) throws Exception {
    Struct.Builder b = Struct.newBuilder();
    JsonFormat.parser().merge(new String(r.body(), StandardCharsets.UTF_8), b);
    return b.build();
  }

  private static String field(Struct s, String path) {
    Struct cur = s;
    String[] parts = path.split("\\.");
    for (int i = 0; i < parts.length - 1; i++) {
      cur = cur.getFieldsOrThrow(parts[i]).getStructValue();
    }
    var v = cur.getFieldsOrThrow(parts[parts.length - 1]);
    return v.hasBoolValue() ? Boolean.toString(v.getBoolValue()) : v.getStringValue();
  }

  @Test
  void jsonOverHttp11CreatesASessionAndUsesItsDataPlane() throws Exception {
    HttpResponse<byte[]> created =
        json(
            SVC + "CreateSession",
            "{\"waitReady\":true,\"cpuCores\":1}",
            "Authorization",
            "Bearer tk_connect");
    assertThat(created.statusCode()).isEqualTo(200);
    assertThat(created.headers().firstValue("content-type")).hasValue("application/json");
    Struct s = struct(created);
    String id = field(s, "session.id");
    String cert = field(s, "credential.credential");
    assertThat(field(s, "session.state")).isEqualTo("SESSION_STATE_RUNNING");
    assertThat(field(s, "dataPlaneEndpoint")).isEqualTo(engine.endpoint());

    String content =
        Base64.getEncoder().encodeToString("hello connect".getBytes(StandardCharsets.UTF_8));
    HttpResponse<byte[]> wrote =
        json(
            DATA + "WriteFile",
            "{\"request\":{\"sessionId\":\""
                + id
                + "\",\"path\":\"c.txt\",\"content\":\""
                + content
                + "\"}}",
            "x-tenki-session-cert",
            cert);
    assertThat(wrote.statusCode()).as(new String(wrote.body())).isEqualTo(200);
    HttpResponse<byte[]> read =
        json(
            DATA + "ReadFile",
            "{\"request\":{\"sessionId\":\"" + id + "\",\"path\":\"/home/tenki/c.txt\"}}",
            "x-tenki-session-cert",
            cert);
    assertThat(read.statusCode()).isEqualTo(200);
    assertThat(
            new String(
                Base64.getDecoder().decode(field(struct(read), "response.content")),
                StandardCharsets.UTF_8))
        .isEqualTo("hello connect");

    HttpResponse<byte[]> noCert =
        json(DATA + "Stat", "{\"request\":{\"sessionId\":\"" + id + "\",\"path\":\"/\"}}");
    assertThat(noCert.statusCode()).isEqualTo(401);
    assertThat(field(struct(noCert), "code")).isEqualTo("unauthenticated");

    HttpResponse<byte[]> gone =
        json(
            SVC + "TerminateSession",
            "{\"sessionId\":\"" + id + "\"}",
            "Authorization",
            "Bearer tk_connect");
    assertThat(field(struct(gone), "session.state")).isEqualTo("SESSION_STATE_TERMINATED");
  }

  @Test
  void errorsAreConnectJsonWithTheMatchingStatus() throws Exception {
    HttpResponse<byte[]> anonymous = json(SVC + "WhoAmI", "{}");
    assertThat(anonymous.statusCode()).isEqualTo(401);
    assertThat(anonymous.headers().firstValue("content-type")).hasValue("application/json");
    assertThat(field(struct(anonymous), "code")).isEqualTo("unauthenticated");

    HttpResponse<byte[]> wrong = json(SVC + "WhoAmI", "{}", "Authorization", "Bearer tk_wrong");
    assertThat(wrong.statusCode()).isEqualTo(401);
    assertThat(new String(wrong.body(), StandardCharsets.UTF_8)).doesNotContain("tk_connect");

    HttpResponse<byte[]> missing =
        json(SVC + "GetSession", "{\"sessionId\":\"nope\"}", "Authorization", "Bearer tk_connect");
    assertThat(missing.statusCode()).isEqualTo(404);
    assertThat(field(struct(missing), "code")).isEqualTo("not_found");
    assertThat(field(struct(missing), "message")).contains("nope");

    HttpResponse<byte[]> invalid =
        json(SVC + "CreateSession", "{\"cpuCores\":999}", "Authorization", "Bearer tk_connect");
    assertThat(invalid.statusCode()).isEqualTo(400);
    assertThat(field(struct(invalid), "code")).isEqualTo("invalid_argument");
    assertThat(field(struct(invalid), "message")).contains("cpu_cores");

    HttpResponse<byte[]> garbage =
        json(SVC + "WhoAmI", "{not json", "Authorization", "Bearer tk_connect");
    assertThat(garbage.statusCode()).isEqualTo(400);
    assertThat(field(struct(garbage), "code")).isEqualTo("invalid_argument");

    HttpResponse<byte[]> unknown =
        json(SVC + "Teleport", "{}", "Authorization", "Bearer tk_connect");
    assertThat(unknown.statusCode()).isEqualTo(501);
    assertThat(field(struct(unknown), "code")).isEqualTo("unimplemented");

    HttpResponse<byte[]> streaming = json(DATA + "Run", "{}", "Authorization", "Bearer tk_connect");
    assertThat(field(struct(streaming), "code")).isEqualTo("unimplemented");

    HttpResponse<byte[]> badVersion =
        post(
            h1,
            SVC + "WhoAmI",
            "application/json",
            "{}".getBytes(StandardCharsets.UTF_8),
            "Authorization",
            "Bearer tk_connect",
            "Connect-Protocol-Version",
            "2");
    assertThat(badVersion.statusCode()).isEqualTo(400);
  }

  @Test
  void answersGivenWithoutReadingTheBodyEndTheConnection() throws Exception {
    // the rest of such a body may still be arriving: an HTTP/1.1 client must not send its next
    // request on this connection, which the server closes
    HttpResponse<byte[]> unknown =
        json(SVC + "Teleport", "{}", "Authorization", "Bearer tk_connect");
    assertThat(unknown.statusCode()).isEqualTo(501);
    assertThat(unknown.headers().firstValue("connection")).hasValue("close");
    HttpResponse<byte[]> nowhere = json("/no/such/path", "{}");
    assertThat(nowhere.statusCode()).isEqualTo(404);
    assertThat(nowhere.headers().firstValue("connection")).hasValue("close");
    // a call that read its body keeps the connection
    HttpResponse<byte[]> ok = json(SVC + "WhoAmI", "{}", "Authorization", "Bearer tk_connect");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.headers().firstValue("connection")).isEmpty();
  }

  @Test
  void binaryProtoOverHttp2() throws Exception {
    HttpResponse<byte[]> r =
        post(
            h2,
            SVC + "WhoAmI",
            "application/proto",
            WhoAmIRequest.getDefaultInstance().toByteArray(),
            "Authorization",
            "Bearer tk_connect");
    assertThat(r.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue("content-type")).hasValue("application/proto");
    assertThat(WhoAmIResponse.parseFrom(r.body()).getOwnerId()).isEqualTo("local");
  }

  @Test
  void anythingElseIsAPlain404WithoutServerDetails() throws Exception {
    for (String path : new String[] {"/", "/v1/nothing", "/../../etc/passwd", "/a/b/c"}) {
      HttpResponse<String> r =
          h1.send(
              HttpRequest.newBuilder(URI.create(engine.endpoint() + path)).GET().build(),
              HttpResponse.BodyHandlers.ofString());
      assertThat(r.statusCode()).as(path).isIn(400, 404);
      assertThat(r.headers().firstValue("server")).isEmpty();
      assertThat(r.body())
          .doesNotContain("Jetty")
          .doesNotContain("<html")
          .doesNotContain("Exception");
    }
  }

  @Test
  void manyStreamsEndedByTheServerFirstDoNotExhaustTheConnection() throws Exception {
    // each Run refused before the client half-closes makes grpc-java reset the stream
    ManagedChannel ch = EngineClient.channel(engine.endpoint());
    try {
      var data = cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceGrpc.newStub(ch);
      for (int i = 0; i < 600; i++) {
        java.util.concurrent.CompletableFuture<Throwable> done =
            new java.util.concurrent.CompletableFuture<>();
        var req =
            data.run(
                new io.grpc.stub.StreamObserver<>() {
                  @Override
                  public void onNext(
                      cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunResponse v) {}

                  @Override
                  public void onError(Throwable t) {
                    done.complete(t);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(null);
                  }
                });
        req.onNext(
            cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunRequest
                .getDefaultInstance());
        Throwable t = done.get(30, java.util.concurrent.TimeUnit.SECONDS);
        assertThat(Status.fromThrowable(t).getCode())
            .as("call " + i)
            .isEqualTo(Status.Code.UNAUTHENTICATED);
      }
    } finally {
      ch.shutdownNow();
    }
  }

  @Test
  void grpcUnknownMethodsAreUnimplemented() {
    ManagedChannel ch = EngineClient.channel(engine.endpoint());
    try {
      Metadata md = new Metadata();
      md.put(EngineClient.AUTH, "Bearer tk_connect");
      var desc =
          io.grpc.MethodDescriptor.<WhoAmIRequest, WhoAmIResponse>newBuilder()
              .setType(io.grpc.MethodDescriptor.MethodType.UNARY)
              .setFullMethodName("tenki.sandbox.v1.SandboxService/Teleport")
              .setRequestMarshaller(
                  io.grpc.protobuf.ProtoUtils.marshaller(WhoAmIRequest.getDefaultInstance()))
              .setResponseMarshaller(
                  io.grpc.protobuf.ProtoUtils.marshaller(WhoAmIResponse.getDefaultInstance()))
              .build();
      var intercepted =
          io.grpc.ClientInterceptors.intercept(ch, MetadataUtils.newAttachHeadersInterceptor(md));
      try {
        ClientCalls.blockingUnaryCall(
            intercepted, desc, io.grpc.CallOptions.DEFAULT, WhoAmIRequest.getDefaultInstance());
        throw new AssertionError("expected UNIMPLEMENTED");
      } catch (StatusRuntimeException e) {
        assertThat(e.getStatus().getCode()).isEqualTo(Status.Code.UNIMPLEMENTED);
        assertThat(e.getStatus().getDescription()).contains("Teleport");
      }
    } finally {
      ch.shutdownNow();
    }
  }
}
