package cloud.tenki.mcp.testing;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.protocol.JsonRpc;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A raw JSON-RPC client over lines, for protocol tests: sends exact text and checks that every line
 * the server writes is one valid JSON-RPC message. Responses are matched by id; the notifications
 * seen meanwhile are kept in {@link #notifications}.
 */
public final class McpLineClient implements AutoCloseable {

  /** Sends one line (the client adds the newline). */
  public interface LineSink {
    void send(byte[] line) throws IOException;
  }

  private static final Duration WAIT = Duration.ofSeconds(20);
  private static final JsonNode EOF = JsonRpc.MAPPER.createObjectNode().put("eof", true);

  public final List<JsonNode> notifications = new java.util.concurrent.CopyOnWriteArrayList<>();
  public final List<String> invalidLines = new java.util.concurrent.CopyOnWriteArrayList<>();
  private final LineSink sink;
  private final BlockingQueue<JsonNode> inbox = new LinkedBlockingQueue<>();
  private final List<JsonNode> unclaimed = new ArrayList<>();
  private final AtomicInteger nextId = new AtomicInteger(1000);
  private final Thread reader;

  public McpLineClient(LineSink sink, BufferedReader fromServer) {
    this.sink = sink;
    this.reader = new Thread(() -> readAll(fromServer), "mcp-line-client");
    reader.setDaemon(true);
    reader.start();
  }

  private void readAll(BufferedReader in) {
    try {
      String line;
      while ((line = in.readLine()) != null) {
        try {
          inbox.add(JsonRpc.MAPPER.readTree(line));
        } catch (IOException e) {
          invalidLines.add(line);
        }
      }
    } catch (IOException ignored) {
      // the stream closed under us: same as end of stream
    }
    inbox.add(EOF);
  }

  public void sendRaw(String line) throws IOException {
    sendRaw(line.getBytes(StandardCharsets.UTF_8));
  }

  public void sendRaw(byte[] line) throws IOException {
    byte[] withNewline = new byte[line.length + 1];
    System.arraycopy(line, 0, withNewline, 0, line.length);
    withNewline[line.length] = '\n';
    sink.send(withNewline);
  }

  /** Sends a request with a fresh numeric id and returns the id. */
  public int send(String method, JsonNode params) throws IOException {
    int id = nextId.incrementAndGet();
    ObjectNode request = JsonRpc.MAPPER.createObjectNode();
    request.put("jsonrpc", "2.0").put("id", id).put("method", method);
    if (params != null) {
      request.set("params", params);
    }
    sendRaw(request.toString());
    return id;
  }

  public void notify(String method, JsonNode params) throws IOException {
    sendRaw(JsonRpc.notification(method, (ObjectNode) params).toString());
  }

  /** Sends a request and waits for its response. */
  public JsonNode request(String method, JsonNode params) throws Exception {
    return awaitResponse(JsonRpc.MAPPER.valueToTree(send(method, params)));
  }

  /** Sends a request and returns its result, failing on an error response. */
  public JsonNode result(String method, JsonNode params) throws Exception {
    JsonNode response = request(method, params);
    assertThat(response.has("error")).as("error in %s", response).isFalse();
    return response.get("result");
  }

  /** Initializes with the given revision and sends {@code notifications/initialized}. */
  public JsonNode initialize(String version) throws Exception {
    JsonNode result =
        result(
            "initialize",
            JsonRpc.MAPPER
                .createObjectNode()
                .put("protocolVersion", version)
                .<ObjectNode>set("capabilities", JsonRpc.MAPPER.createObjectNode())
                .set(
                    "clientInfo",
                    JsonRpc.MAPPER.createObjectNode().put("name", "test").put("version", "1")));
    notify("notifications/initialized", JsonRpc.MAPPER.createObjectNode());
    return result;
  }

  /** Waits for the response whose id equals {@code id}; notifications are collected. */
  public JsonNode awaitResponse(JsonNode id) throws InterruptedException {
    return awaitMessage(m -> !m.has("method") && id.equals(m.get("id")), WAIT);
  }

  /** The next message that is a response (any id). */
  public JsonNode nextResponse() throws InterruptedException {
    return awaitMessage(m -> !m.has("method"), WAIT);
  }

  /** Waits for a message matching {@code filter}; others stay available. */
  public synchronized JsonNode awaitMessage(
      java.util.function.Predicate<JsonNode> filter, Duration timeout) throws InterruptedException {
    for (JsonNode message : unclaimed) {
      if (filter.test(message)) {
        unclaimed.remove(message);
        return message;
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode message = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
      if (message == null) {
        throw new AssertionError(
            "no matching message within " + timeout + "; unclaimed " + unclaimed);
      }
      if (message == EOF) {
        inbox.add(EOF);
        throw new AssertionError("the server closed its output; unclaimed " + unclaimed);
      }
      checkWellFormed(message);
      if (message.has("method")) {
        notifications.add(message);
      }
      if (filter.test(message)) {
        return message;
      }
      unclaimed.add(message);
    }
  }

  /** Whether the server closes its output within the timeout (all messages are consumed). */
  public boolean awaitEndOfOutput(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      long left = deadline - System.nanoTime();
      JsonNode message = left <= 0 ? null : inbox.poll(left, TimeUnit.NANOSECONDS);
      if (message == null) {
        return false;
      }
      if (message == EOF) {
        inbox.add(EOF);
        return true;
      }
      checkWellFormed(message);
      if (message.has("method")) {
        notifications.add(message);
      }
      synchronized (this) {
        unclaimed.add(message);
      }
    }
  }

  /** Messages read but not yet claimed by an await. */
  public synchronized List<JsonNode> unclaimed() {
    return new ArrayList<>(unclaimed);
  }

  /** Every server message is JSON-RPC 2.0: a notification, a result or an error. */
  public static void checkWellFormed(JsonNode message) {
    if (message.isArray()) {
      message.forEach(McpLineClient::checkWellFormed);
      return;
    }
    assertThat(message.path("jsonrpc").asText()).as("jsonrpc in %s", message).isEqualTo("2.0");
    if (message.has("method")) {
      assertThat(message.has("id")).as("server requests are unexpected: %s", message).isFalse();
      return;
    }
    assertThat(message.has("id")).as("id in %s", message).isTrue();
    assertThat(message.has("result") ^ message.has("error"))
        .as("result xor error in %s", message)
        .isTrue();
    if (message.has("error")) {
      assertThat(message.get("error").path("code").isInt()).as("code in %s", message).isTrue();
      assertThat(message.get("error").path("message").isTextual()).isTrue();
    }
  }

  @Override
  public void close() {
    reader.interrupt();
  }
}
