package cloud.tenki.mcp.http;

import cloud.tenki.mcp.config.HttpSettings;
import cloud.tenki.mcp.config.Secret;
import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.protocol.McpServer;
import cloud.tenki.mcp.testing.TestTools;
import cloud.tenki.mcp.tool.McpToolSource;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/** A Streamable HTTP server with test tools on an ephemeral loopback port, and a raw client. */
public final class HttpHarness implements AutoCloseable {

  public static final String ACCEPT_BOTH = "application/json, text/event-stream";

  public final TestTools tools = new TestTools();
  public final McpServer server;
  public final HttpTransport transport;
  public final URI endpoint;
  public final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  public HttpHarness() throws IOException {
    this(null, Duration.ofMinutes(5), Duration.ofSeconds(60));
  }

  public HttpHarness(String token, Duration sessionIdle, Duration connectionIdle)
      throws IOException {
    this(null, token, sessionIdle, connectionIdle);
  }

  /** A harness serving {@code source} (the test tools when null). */
  public HttpHarness(
      McpToolSource source, String token, Duration sessionIdle, Duration connectionIdle)
      throws IOException {
    server =
        McpServer.builder(source == null ? tools : source)
            .instructions("Use the test tools.")
            .build();
    HttpSettings settings =
        new HttpSettings(
            "127.0.0.1",
            0,
            "/mcp",
            token == null ? null : Secret.of(token),
            List.of("localhost", "127.0.0.1", "[::1]"),
            List.of("http://localhost", "http://127.0.0.1", "http://[::1]"),
            sessionIdle,
            8);
    transport = HttpTransport.start(server, settings, 64 * 1024, connectionIdle);
    endpoint = transport.endpoint();
  }

  /** One answer: status, headers and the messages of a JSON body or an event stream. */
  public record Answer(
      int status, String contentType, String sessionId, String body, List<JsonNode> messages) {
    public JsonNode single() {
      if (messages.size() != 1) {
        throw new AssertionError("expected one message but got " + messages + " / " + body);
      }
      return messages.get(0);
    }

    /** The JSON-RPC response among the messages (the last one without a method). */
    public JsonNode response() {
      for (int i = messages.size() - 1; i >= 0; i--) {
        if (!messages.get(i).has("method")) {
          return messages.get(i);
        }
      }
      throw new AssertionError("no response in " + messages + " / " + body);
    }
  }

  public Answer post(String sessionId, String json) throws Exception {
    return post(sessionId, json, Map.of("Accept", ACCEPT_BOTH));
  }

  public Answer post(String sessionId, String json, Map<String, String> headers) throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(30))
            .POST(HttpRequest.BodyPublishers.ofString(json));
    request.header("Content-Type", "application/json");
    headers.forEach(request::setHeader); // replaces the default Content-Type when given
    if (sessionId != null) {
      request.header("Mcp-Session-Id", sessionId);
    }
    return answer(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
  }

  /** Initializes a session and sends notifications/initialized; returns the session id. */
  public String initialize() throws Exception {
    Answer answer = post(null, initializeRequest("2025-11-25"));
    if (answer.status() != 200 || answer.sessionId() == null) {
      throw new AssertionError("initialize failed: " + answer);
    }
    Answer initialized =
        post(answer.sessionId(), "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    if (initialized.status() != 202) {
      throw new AssertionError("initialized notification: " + initialized);
    }
    return answer.sessionId();
  }

  public static String initializeRequest(String version) {
    return "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\""
        + version
        + "\",\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}";
  }

  public static String call(int id, String tool, String arguments, String meta) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + id
        + ",\"method\":\"tools/call\",\"params\":{\"name\":\""
        + tool
        + "\",\"arguments\":"
        + arguments
        + (meta == null ? "" : ",\"_meta\":" + meta)
        + "}}";
  }

  public Answer send(String method, String sessionId, Map<String, String> headers)
      throws Exception {
    HttpRequest.Builder request =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(30))
            .method(method, HttpRequest.BodyPublishers.noBody());
    headers.forEach(request::header);
    if (sessionId != null) {
      request.header("Mcp-Session-Id", sessionId);
    }
    return answer(http.send(request.build(), HttpResponse.BodyHandlers.ofString()));
  }

  /** Opens a request whose event stream is read line by line as it arrives. */
  public HttpResponse<InputStream> openStream(String method, String sessionId, String json)
      throws Exception {
    HttpRequest.Builder request = HttpRequest.newBuilder(endpoint).timeout(Duration.ofSeconds(60));
    request.header("Accept", json == null ? "text/event-stream" : ACCEPT_BOTH);
    if (json == null) {
      request.method(method, HttpRequest.BodyPublishers.noBody());
    } else {
      request.header("Content-Type", "application/json");
      request.method(method, HttpRequest.BodyPublishers.ofString(json));
    }
    request.header("Mcp-Session-Id", sessionId);
    return http.send(request.build(), HttpResponse.BodyHandlers.ofInputStream());
  }

  /** Reads SSE events from a stream until {@code stopWhen} matches one or the stream ends. */
  public static List<JsonNode> readEvents(
      InputStream body, java.util.function.Predicate<JsonNode> stopWhen) throws IOException {
    List<JsonNode> events = new ArrayList<>();
    BufferedReader reader = new BufferedReader(new InputStreamReader(body, StandardCharsets.UTF_8));
    String line;
    while ((line = reader.readLine()) != null) {
      if (line.startsWith("data:")) {
        JsonNode event = JsonRpc.MAPPER.readTree(line.substring(5).strip());
        events.add(event);
        if (stopWhen.test(event)) {
          break;
        }
      }
    }
    return events;
  }

  private static Answer answer(HttpResponse<String> response) throws IOException {
    String type = response.headers().firstValue("Content-Type").orElse("");
    List<JsonNode> messages = new ArrayList<>();
    String body = response.body();
    if (type.startsWith("application/json") && !body.isEmpty()) {
      messages.add(JsonRpc.MAPPER.readTree(body));
    } else if (type.startsWith("text/event-stream")) {
      for (String line : body.split("\n")) {
        if (line.startsWith("data:")) {
          messages.add(JsonRpc.MAPPER.readTree(line.substring(5).strip()));
        }
      }
    }
    return new Answer(
        response.statusCode(),
        type,
        response.headers().firstValue("Mcp-Session-Id").orElse(null),
        body,
        messages);
  }

  /**
   * Sends a request over a plain socket, so that headers an HTTP client protects (Host) can be
   * forged as an attacker's browser would; returns the status code.
   */
  public int rawPost(String host, String origin, String json) throws IOException {
    try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
      socket.setSoTimeout(10_000);
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      StringBuilder head = new StringBuilder();
      head.append("POST ").append(endpoint.getPath()).append(" HTTP/1.1\r\n");
      head.append("Host: ").append(host).append("\r\n");
      if (origin != null) {
        head.append("Origin: ").append(origin).append("\r\n");
      }
      head.append("Content-Type: application/json\r\nAccept: ").append(ACCEPT_BOTH).append("\r\n");
      head.append("Content-Length: ").append(body.length).append("\r\nConnection: close\r\n\r\n");
      OutputStream out = socket.getOutputStream();
      out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      String status =
          new BufferedReader(
                  new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
              .readLine();
      return Integer.parseInt(status.split(" ")[1]);
    }
  }

  /**
   * Sends a POST of {@code json} with the given extra header lines on a keep-alive connection and
   * returns the answer's status line and headers, lower-cased.
   */
  public String rawAnswerHead(String extraHeaderLines, String json) throws IOException {
    try (Socket socket = new Socket(endpoint.getHost(), endpoint.getPort())) {
      socket.setSoTimeout(10_000);
      byte[] body = json.getBytes(StandardCharsets.UTF_8);
      String head =
          "POST "
              + endpoint.getPath()
              + " HTTP/1.1\r\nHost: "
              + endpoint.getAuthority()
              + "\r\nContent-Type: application/json\r\nAccept: "
              + ACCEPT_BOTH
              + "\r\n"
              + extraHeaderLines
              + "Content-Length: "
              + body.length
              + "\r\n\r\n";
      OutputStream out = socket.getOutputStream();
      out.write(head.getBytes(StandardCharsets.US_ASCII));
      out.write(body);
      out.flush();
      BufferedReader in =
          new BufferedReader(
              new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII));
      StringBuilder answer = new StringBuilder();
      String line;
      while ((line = in.readLine()) != null && !line.isEmpty()) {
        answer.append(line.toLowerCase(java.util.Locale.ROOT)).append('\n');
      }
      return answer.toString();
    }
  }

  @Override
  public void close() {
    transport.close();
  }
}
