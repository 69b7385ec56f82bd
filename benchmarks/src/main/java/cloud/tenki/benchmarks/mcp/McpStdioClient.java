package cloud.tenki.benchmarks.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A minimal MCP client over stdio: one child process, one request at a time, newline-delimited
 * JSON-RPC. Notifications the server sends are skipped. Not thread-safe; close it to end the server
 * (end of input, then a kill if it lingers).
 */
final class McpStdioClient implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();

  private final Process process;
  private final OutputStream in;
  private final BufferedReader out;
  private long nextId = 1;
  private long lastReplyBytes;

  McpStdioClient(List<String> command, Map<String, String> env, Path stderr) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
    pb.environment()
        .keySet()
        .removeIf(k -> k.startsWith("TENKI_") || k.equals("JAVA_TOOL_OPTIONS"));
    pb.environment().putAll(env);
    process = pb.start();
    in = process.getOutputStream();
    out =
        new BufferedReader(
            new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8), 1 << 16);
    ObjectNode params = JSON.createObjectNode().put("protocolVersion", "2025-06-18");
    params.putObject("capabilities");
    params.putObject("clientInfo").put("name", "tenki-benchmark").put("version", "0");
    request("initialize", params);
    send(JSON.createObjectNode().put("jsonrpc", "2.0").put("method", "notifications/initialized"));
  }

  /** The operating-system process id of the server (the JVM, when a launcher execs it). */
  long pid() {
    return process.pid();
  }

  /** Size in bytes of the last reply line. */
  long lastReplyBytes() {
    return lastReplyBytes;
  }

  /** Calls a tool and returns its result; a JSON-RPC error or an error result throws. */
  JsonNode callTool(String name, JsonNode arguments) {
    ObjectNode params = JSON.createObjectNode().put("name", name);
    params.set("arguments", arguments);
    JsonNode result = request("tools/call", params);
    if (result.path("isError").asBoolean(false)) {
      throw new IllegalStateException(name + " failed: " + result.path("content"));
    }
    return result;
  }

  JsonNode request(String method, JsonNode params) {
    long id = nextId++;
    ObjectNode message = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id);
    message.put("method", method).set("params", params);
    send(message);
    try {
      for (String line; (line = out.readLine()) != null; ) {
        JsonNode reply = JSON.readTree(line);
        if (reply.path("id").asLong(-1) != id) {
          continue; // a notification (log message, progress)
        }
        lastReplyBytes = line.getBytes(StandardCharsets.UTF_8).length;
        if (reply.has("error")) {
          throw new IllegalStateException(method + ": " + reply.get("error"));
        }
        return reply.get("result");
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    throw new IllegalStateException("the server closed stdout before answering " + method);
  }

  private void send(JsonNode message) {
    try {
      in.write(JSON.writeValueAsBytes(message));
      in.write('\n');
      in.flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static ObjectNode object() {
    return JSON.createObjectNode();
  }

  @Override
  public void close() throws InterruptedException {
    try {
      in.close();
    } catch (IOException ignored) {
      // the server is gone already
    }
    if (!process.waitFor(30, TimeUnit.SECONDS)) {
      process.destroyForcibly().waitFor();
    }
  }
}
