package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.proto.sandbox.v1.*;
import com.google.protobuf.Timestamp;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;

/**
 * Ports and preview URLs end to end: real servers in two sandboxes on the same port, reached only
 * through their own preview URLs with a plain HTTP client and a WebSocket client; expiry,
 * unexposing, rebinding and the refusals, which never carry host details.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
class PreviewTest {

  private final MutableClock clock = new MutableClock();
  private LocalEngine engine;
  private EngineClient client;
  private EngineClient.Sandbox a;
  private EngineClient.Sandbox b;
  private final HttpClient http = HttpClient.newHttpClient();

  @BeforeAll
  void start() throws Exception {
    engine = LocalEngine.builder().clock(clock).start();
    client = new EngineClient(engine.endpoint(), "tk_preview");
    a = client.create();
    b = client.create();
    serve(a, "sandbox-A");
    serve(b, "sandbox-B");
  }

  @AfterAll
  void stop() {
    client.close();
    engine.close();
  }

  /** Starts a static HTTP server on 127.0.0.1:3000 inside the sandbox. */
  private static void serve(EngineClient.Sandbox sb, String text) throws Exception {
    sb.write("/home/tenki/www/index.html", text);
    sb.run(
        "sh",
        "-c",
        "cd /home/tenki/www && (python3 -m http.server 3000 --bind 127.0.0.1 >/tmp/http.log 2>&1 &)");
  }

  private ExposePortResponse expose(EngineClient.Sandbox sb, int port, Timestamp expires) {
    ExposePortRequest.Builder r = ExposePortRequest.newBuilder().setSessionId(sb.id).setPort(port);
    if (expires != null) {
      r.setExpiresAt(expires);
    }
    return client.control.exposePort(r.build());
  }

  private HttpResponse<String> get(String url) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build(),
        HttpResponse.BodyHandlers.ofString());
  }

  /** GETs until the server in the sandbox answers (it may still be starting). */
  private HttpResponse<String> getWhenUp(String url) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (true) {
      HttpResponse<String> r = get(url);
      if (r.statusCode() != 502 || System.nanoTime() > deadline) {
        return r;
      }
      LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
    }
  }

  @Test
  void twoSandboxesOnPort3000EachReachedOnlyThroughItsOwnUrl() throws Exception {
    ExposePortResponse ea = expose(a, 3000, null);
    ExposePortResponse eb = expose(b, 3000, null);
    assertThat(ea.getPreviewUrl()).startsWith("http://127.0.0.1:").isNotEqualTo(eb.getPreviewUrl());
    assertThat(ea.getPort()).isEqualTo(3000);
    assertThat(ea.getSlug()).isNotEmpty();
    HttpResponse<String> ra = getWhenUp(ea.getPreviewUrl() + "index.html");
    HttpResponse<String> rb = getWhenUp(eb.getPreviewUrl() + "index.html");
    assertThat(ra.statusCode()).isEqualTo(200);
    assertThat(ra.body()).isEqualTo("sandbox-A");
    assertThat(rb.body()).isEqualTo("sandbox-B");
    // the host's own port 3000 (if anything) is not what the sandbox serves, and listing shows it
    assertThat(
            client
                .control
                .listExposedPorts(ListExposedPortsRequest.newBuilder().setSessionId(a.id).build())
                .getPortsList())
        .extracting(PortExposure::getPort)
        .contains(3000);
    // the same port again keeps its URL
    assertThat(expose(a, 3000, null).getPreviewUrl()).isEqualTo(ea.getPreviewUrl());
  }

  @Test
  void webSocketUpgradesPassThrough() throws Exception {
    a.write("/home/tenki/ws_echo.py", resource("/ws_echo.py"));
    a.run("sh", "-c", "(python3 /home/tenki/ws_echo.py 4000 >/tmp/ws.log 2>&1 &)");
    ExposePortResponse e = expose(a, 4000, null);
    String wsUrl = "ws://" + e.getPreviewUrl().substring("http://".length());
    CompletableFuture<String> reply = new CompletableFuture<>();
    WebSocket ws = null;
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (ws == null) {
      try {
        ws =
            http.newWebSocketBuilder()
                .buildAsync(
                    URI.create(wsUrl),
                    new WebSocket.Listener() {
                      @Override
                      public CompletionStage<?> onText(
                          WebSocket w, CharSequence data, boolean last) {
                        reply.complete(data.toString());
                        return null;
                      }
                    })
                .get(20, TimeUnit.SECONDS);
      } catch (java.util.concurrent.ExecutionException notYet) {
        if (System.nanoTime() > deadline) {
          throw notYet;
        }
        LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(50));
      }
    }
    ws.sendText("hello through the preview", true).get(10, TimeUnit.SECONDS);
    assertThat(reply.get(10, TimeUnit.SECONDS)).isEqualTo("echo:hello through the preview");
    ws.abort();
  }

  @Test
  void refusalsArePlainAndSayNothingAboutTheHost() throws Exception {
    // exposed, but nothing listens on the port inside the sandbox
    ExposePortResponse idle = expose(b, 5999, null);
    HttpResponse<String> r = get(idle.getPreviewUrl());
    assertThat(r.statusCode()).isEqualTo(502);
    assertThat(r.body()).isEqualTo("bad gateway\n");
    assertThat(r.headers().firstValue("server")).isEmpty();
    client.control.unexposePort(
        UnexposePortRequest.newBuilder().setSessionId(b.id).setPort(5999).build());
    // unexposed: the URL no longer reaches the sandbox. Its port is closed, unless the host has
    // already given the freed port to another listener (other engines run tests meanwhile), which
    // then is not this preview: it cannot answer with what the sandbox serves
    b.write("/home/tenki/www-3001/index.html", "only through the exposure\n");
    b.run(
        "sh",
        "-c",
        "cd /home/tenki/www-3001 && (python3 -m http.server 3001 --bind 127.0.0.1 >/tmp/http-3001.log"
            + " 2>&1 &)");
    ExposePortResponse served = expose(b, 3001, null);
    assertThat(getWhenUp(served.getPreviewUrl()).body()).isEqualTo("only through the exposure\n");
    client.control.unexposePort(
        UnexposePortRequest.newBuilder().setSessionId(b.id).setPort(3001).build());
    try {
      assertThat(get(served.getPreviewUrl()).body()).doesNotContain("only through the exposure");
    } catch (IOException closed) {
      assertThat(closed)
          .satisfiesAnyOf(
              t -> assertThat(t).isInstanceOf(ConnectException.class),
              t -> assertThat(t).hasMessageContaining("closed"));
    }
    assertThatThrownBy(
            () ->
                client.control.unexposePort(
                    UnexposePortRequest.newBuilder().setSessionId(b.id).setPort(5999).build()))
        .hasMessageContaining("NOT_FOUND");
    // bad ports and unknown sessions
    assertThatThrownBy(() -> expose(b, 0, null))
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("port");
    assertThatThrownBy(() -> expose(b, 70000, null)).hasMessageContaining("port");
    assertThatThrownBy(
            () ->
                client.control.exposePort(
                    ExposePortRequest.newBuilder().setSessionId("nope").setPort(80).build()))
        .hasMessageContaining("NOT_FOUND");
  }

  @Test
  void expiredExposuresAnswer404() throws Exception {
    Timestamp soon =
        Timestamp.newBuilder().setSeconds(clock.instant().plusSeconds(60).getEpochSecond()).build();
    ExposePortResponse e = expose(a, 3000, soon);
    assertThat(e.getExpiresAt()).isEqualTo(soon);
    assertThat(getWhenUp(e.getPreviewUrl() + "index.html").body()).isEqualTo("sandbox-A");
    clock.advance(Duration.ofMinutes(2));
    try {
      HttpResponse<String> r = get(e.getPreviewUrl() + "index.html");
      assertThat(r.statusCode()).isEqualTo(404);
      assertThat(r.body()).isEqualTo("not found\n");
      assertThat(
              client
                  .control
                  .listExposedPorts(ListExposedPortsRequest.newBuilder().setSessionId(a.id).build())
                  .getPortsList())
          .extracting(PortExposure::getPort)
          .doesNotContain(3000);
      Timestamp past =
          Timestamp.newBuilder()
              .setSeconds(clock.instant().minusSeconds(5).getEpochSecond())
              .build();
      assertThatThrownBy(() -> expose(a, 3000, past)).hasMessageContaining("expires_at");
    } finally {
      clock.advance(Duration.ofMinutes(-2));
      expose(a, 3000, null);
    }
  }

  @Test
  void previewUrlsBindUnbindAndDelete() throws Exception {
    PreviewUrl p =
        client
            .control
            .createPreviewUrl(CreatePreviewUrlRequest.newBuilder().setSlug("demo-site").build())
            .getPreviewUrl();
    assertThat(p.hasSessionId()).isFalse();
    assertThat(get(p.getPreviewUrl()).statusCode()).isEqualTo(404);
    PreviewUrl bound =
        client
            .control
            .bindPreviewUrl(
                BindPreviewUrlRequest.newBuilder()
                    .setPreviewUrlId(p.getId())
                    .setSessionId(b.id)
                    .setPort(3000)
                    .build())
            .getPreviewUrl();
    assertThat(bound.getPreviewUrl()).isEqualTo(p.getPreviewUrl());
    assertThat(getWhenUp(p.getPreviewUrl() + "index.html").body()).isEqualTo("sandbox-B");
    client.control.bindPreviewUrl(
        BindPreviewUrlRequest.newBuilder()
            .setPreviewUrlId(p.getId())
            .setSessionId(a.id)
            .setPort(3000)
            .build());
    assertThat(getWhenUp(p.getPreviewUrl() + "index.html").body()).isEqualTo("sandbox-A");
    assertThat(
            client
                .control
                .getPreviewUrl(GetPreviewUrlRequest.newBuilder().setSlug("demo-site").build())
                .getPreviewUrl()
                .getId())
        .isEqualTo(p.getId());
    assertThat(
            client
                .control
                .listPreviewUrls(ListPreviewUrlsRequest.getDefaultInstance())
                .getPreviewUrlsList())
        .extracting(PreviewUrl::getId)
        .contains(p.getId());
    assertThatThrownBy(
            () ->
                client.control.createPreviewUrl(
                    CreatePreviewUrlRequest.newBuilder().setSlug("demo-site").build()))
        .hasMessageContaining("ALREADY_EXISTS");
    assertThatThrownBy(
            () ->
                client.control.createPreviewUrl(
                    CreatePreviewUrlRequest.newBuilder().setSlug("Not A Slug").build()))
        .hasMessageContaining("INVALID_ARGUMENT")
        .hasMessageContaining("slug");
    PreviewUrl unbound =
        client
            .control
            .unbindPreviewUrl(
                UnbindPreviewUrlRequest.newBuilder().setPreviewUrlId(p.getId()).build())
            .getPreviewUrl();
    assertThat(unbound.hasPort()).isFalse();
    assertThat(get(p.getPreviewUrl()).statusCode()).isEqualTo(404);
    client.control.deletePreviewUrl(
        DeletePreviewUrlRequest.newBuilder().setPreviewUrlId(p.getId()).build());
    assertThatThrownBy(
            () ->
                client.control.getPreviewUrl(
                    GetPreviewUrlRequest.newBuilder().setPreviewUrlId(p.getId()).build()))
        .hasMessageContaining("NOT_FOUND");
  }

  @Test
  void slugDotLocalhostOnTheEnginePortRedirectsToThePreview() throws Exception {
    ExposePortResponse e =
        client.control.exposePort(
            ExposePortRequest.newBuilder()
                .setSessionId(b.id)
                .setPort(3000)
                .setSlug("host-routed")
                .build());
    String base = engine.httpBase();
    int port = URI.create(base).getPort();
    String answer = rawGet(port, "host-routed.localhost:" + port, "/index.html?x=1");
    assertThat(answer).startsWith("HTTP/1.1 307 ");
    assertThat(answer).contains("Location: " + e.getPreviewUrl() + "index.html?x=1");
    assertThat(getWhenUp(e.getPreviewUrl() + "index.html?x=1").body()).isEqualTo("sandbox-B");
    String unknown = rawGet(port, "no-such-slug.localhost:" + port, "/");
    assertThat(unknown).startsWith("HTTP/1.1 404 ").doesNotContain("Location");
  }

  private static String rawGet(int port, String host, String path) throws IOException {
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", port)) {
      s.getOutputStream()
          .write(
              ("GET " + path + " HTTP/1.1\r\nHost: " + host + "\r\nConnection: close\r\n\r\n")
                  .getBytes(StandardCharsets.US_ASCII));
      return new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
    }
  }

  @Test
  void aSandboxCannotReachAnotherSandboxesPreviewOrTheEngine() throws Exception {
    ExposePortResponse eb = expose(b, 3000, null);
    String hostPort = eb.getPreviewUrl().replaceAll("^http://127\\.0\\.0\\.1:(\\d+)/$", "$1");
    var r =
        a.run(
            "bash",
            "-c",
            "exec 3<>/dev/tcp/127.0.0.1/" + hostPort + " && echo reached || echo refused");
    assertThat(r.out()).contains("refused");
  }

  private static String resource(String name) throws IOException {
    try (InputStream in = PreviewTest.class.getResourceAsStream(name)) {
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }
}
