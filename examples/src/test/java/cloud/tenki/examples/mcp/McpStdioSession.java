package cloud.tenki.examples.mcp;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** An MCP client over a server process's stdin and stdout, one JSON-RPC message per line. */
final class McpStdioSession implements AutoCloseable {
  static final ObjectMapper JSON = new ObjectMapper();
  private final Process process;
  private final OutputStream stdin;
  private final BlockingQueue<String> lines = new LinkedBlockingQueue<>();
  private int nextId = 1;

  McpStdioSession(List<String> command, Map<String, String> env, Path stderr) throws IOException {
    ProcessBuilder pb = new ProcessBuilder(command).redirectError(stderr.toFile());
    // the test's own Tenki settings must not leak in: without a token the server uses the local
    // engine, which is what the configurations promise
    pb.environment().keySet().removeIf(k -> k.startsWith("TENKI_"));
    pb.environment().putAll(env);
    this.process = pb.start();
    this.stdin = process.getOutputStream();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                  lines.add(line);
                }
              } catch (IOException e) {
                // the process ended
              }
            },
            "mcp-stdout");
    reader.setDaemon(true);
    reader.start();
  }

  /** Sends a request and returns its {@code result}; fails on an error or after {@code wait}. */
  JsonNode request(String method, Object params, Duration wait) throws Exception {
    int id = nextId++;
    ObjectNode msg = JSON.createObjectNode().put("jsonrpc", "2.0").put("id", id);
    msg.put("method", method).set("params", JSON.valueToTree(params));
    send(msg);
    long deadline = System.nanoTime() + wait.toNanos();
    while (true) {
      String line = lines.poll(Math.max(1, deadline - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (line == null) {
        throw new AssertionError("no answer to " + method + " within " + wait);
      }
      JsonNode answer = JSON.readTree(line);
      if (answer.path("id").asInt(-1) == id) {
        if (answer.has("error")) {
          throw new AssertionError(method + " failed: " + answer.get("error"));
        }
        return answer.get("result");
      }
    }
  }

  void notify(String method) throws IOException {
    send(JSON.createObjectNode().put("jsonrpc", "2.0").put("method", method));
  }

  private void send(JsonNode msg) throws IOException {
    stdin.write((JSON.writeValueAsString(msg) + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /** Closes stdin, as MCP clients do to stop a stdio server, and returns the exit code. */
  int closeAndWait(Duration wait) throws Exception {
    stdin.close();
    if (!process.waitFor(wait.toMillis(), TimeUnit.MILLISECONDS)) {
      throw new AssertionError("the server did not exit within " + wait + " of stdin closing");
    }
    return process.exitValue();
  }

  @Override
  public void close() {
    process.destroyForcibly();
  }
}
