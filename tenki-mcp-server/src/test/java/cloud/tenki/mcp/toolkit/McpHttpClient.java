package cloud.tenki.mcp.toolkit;

import cloud.tenki.mcp.protocol.JsonRpc;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

/**
 * One MCP session over Streamable HTTP with {@link java.net.http.HttpClient}: initialize, then
 * requests answered as JSON or as an event stream. Not thread-safe.
 */
final class McpHttpClient {
  private final HttpClient http = HttpClient.newHttpClient();
  private final URI endpoint;
  private final String bearer;
  private String sessionId;
  private int nextId = 1;

  McpHttpClient(URI endpoint, String bearer) {
    this.endpoint = endpoint;
    this.bearer = bearer;
  }

  /** Status of a POST of {@code body} with this client's headers, without reading a reply. */
  int status(String body) throws IOException, InterruptedException {
    return http.send(post(body), HttpResponse.BodyHandlers.discarding()).statusCode();
  }

  /** Initializes the session; returns the initialize result. */
  JsonNode initialize() throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            post(
                request(
                    "initialize",
                    "{\"protocolVersion\":\"2025-11-25\",\"capabilities\":{},"
                        + "\"clientInfo\":{\"name\":\"java-test\",\"version\":\"0\"}}")),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException("initialize: HTTP " + r.statusCode() + " " + r.body());
    }
    sessionId = r.headers().firstValue("Mcp-Session-Id").orElseThrow();
    JsonNode result = reply(r);
    http.send(
        post("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
        HttpResponse.BodyHandlers.discarding());
    return result;
  }

  /** Calls a tool; returns the result. */
  JsonNode callTool(String name, String argumentsJson) throws IOException, InterruptedException {
    HttpResponse<String> r =
        http.send(
            post(
                request(
                    "tools/call",
                    "{\"name\":\"" + name + "\",\"arguments\":" + argumentsJson + "}")),
            HttpResponse.BodyHandlers.ofString());
    if (r.statusCode() != 200) {
      throw new IllegalStateException(name + ": HTTP " + r.statusCode() + " " + r.body());
    }
    return reply(r);
  }

  private String request(String method, String params) {
    return "{\"jsonrpc\":\"2.0\",\"id\":"
        + nextId++
        + ",\"method\":\""
        + method
        + "\",\"params\":"
        + params
        + "}";
  }

  private HttpRequest post(String body) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(endpoint)
            .timeout(Duration.ofSeconds(60))
            .header("Content-Type", "application/json")
            .header("Accept", "application/json, text/event-stream")
            .POST(HttpRequest.BodyPublishers.ofString(body));
    if (sessionId != null) {
      b.header("Mcp-Session-Id", sessionId).header("MCP-Protocol-Version", "2025-11-25");
    }
    if (bearer != null) {
      b.header("Authorization", "Bearer " + bearer);
    }
    return b.build();
  }

  /** The result of the response to the last request, from JSON or from an event stream. */
  private JsonNode reply(HttpResponse<String> r) throws IOException {
    String contentType = r.headers().firstValue("Content-Type").orElse("");
    JsonNode message = null;
    if (contentType.startsWith("text/event-stream")) {
      for (String line : r.body().split("\n")) {
        if (line.startsWith("data:")) {
          JsonNode event = JsonRpc.MAPPER.readTree(line.substring(5));
          if (event.has("id")) {
            message = event;
          }
        }
      }
    } else {
      message = JsonRpc.MAPPER.readTree(r.body());
    }
    if (message == null || !message.has("result")) {
      throw new IllegalStateException("no result in " + r.body());
    }
    return message.get("result");
  }
}
