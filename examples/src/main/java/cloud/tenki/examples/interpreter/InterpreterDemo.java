package cloud.tenki.examples.interpreter;

import cloud.tenki.examples.support.ExampleClients;
import cloud.tenki.sandbox.TenkiClient;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CountDownLatch;

/**
 * Starts an {@link InterpreterServer} and plays two users against it over HTTP: alice's files
 * persist between her runs, bob's sandbox is a different one, bob's token does not open alice's
 * session, and oversized or malformed requests are refused. With {@code --serve} it serves on
 * 127.0.0.1:8800 until Ctrl-C instead.
 *
 * <pre>
 * ./mvnw -q -pl examples -am verify -DskipTests -Pinterpreter
 * </pre>
 */
public final class InterpreterDemo {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final HttpClient HTTP =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  private InterpreterDemo() {}

  public static void main(String[] args) throws Exception {
    boolean serve = args.length > 0 && args[0].equals("--serve");
    try (TenkiClient client = ExampleClients.fromEnvironment();
        InterpreterServer server =
            InterpreterServer.builder().client(client).port(serve ? 8800 : 0).start()) {
      if (serve) {
        Runtime.getRuntime().addShutdownHook(new Thread(client::close));
        serveUntilStopped(server);
      } else {
        run(server.uri(), System.out);
        System.out.println("shutting down: every session's sandbox is terminated");
      }
    }
  }

  private static void serveUntilStopped(InterpreterServer server) throws InterruptedException {
    URI u = server.uri();
    System.out.println("code interpreter on " + u + " (Ctrl-C stops it and its sandboxes)");
    System.out.println("  curl -s -X POST " + u + "/sessions/alice          # -> {\"token\": ...}");
    System.out.println(
        "  curl -s -H \"Authorization: Bearer $TOKEN\" -H 'Content-Type: application/json' \\\n"
            + "       -d '{\"code\": \"print(6 * 7)\"}' "
            + u
            + "/sessions/alice/run");
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  server.close();
                  stopped.countDown();
                }));
    stopped.await();
  }

  /** The two-user walk-through against the server at {@code base}, printed to {@code out}. */
  public static void run(URI base, PrintStream out) {
    String alice = open(base, "alice", out);
    String bob = open(base, "bob", out);
    show(out, "alice", runCode(base, "alice", alice, "python", SAVE));
    show(out, "alice", runCode(base, "alice", alice, "python", LOAD));
    show(out, "bob", runCode(base, "bob", bob, "python", PEEK));
    show(
        out, "bob, with his token on alice's session", runCode(base, "alice", bob, "python", LOAD));
    String huge = "x = 1\n".repeat(20_000);
    show(out, "alice, 120 KB of code", runCode(base, "alice", alice, "python", huge));
    show(out, "alice, not JSON", post(base, "/sessions/alice/run", alice, "{\"code\": "));
  }

  static final String SAVE =
      "import json\nrows = [3, 5, 8]\njson.dump(rows, open('state.json', 'w'))\n"
          + "print('saved', len(rows), 'rows, sum', sum(rows))";
  static final String LOAD = "import json\nprint('alice still has', json.load(open('state.json')))";
  static final String PEEK =
      "import os\nprint('bob sees state.json:', os.path.exists('state.json'))";

  static String open(URI base, String user, PrintStream out) {
    HttpResponse<String> r = post(base, "/sessions/" + user, null, "");
    out.println("POST /sessions/" + user + " -> " + r.statusCode() + " (token issued)");
    return field(r.body(), "token");
  }

  static HttpResponse<String> runCode(
      URI base, String user, String token, String language, String code) {
    try {
      String body = JSON.writeValueAsString(Map.of("language", language, "code", code));
      return post(base, "/sessions/" + user + "/run", token, body);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  static HttpResponse<String> post(URI base, String path, String token, String json) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(base.resolve(path))
            .timeout(Duration.ofSeconds(120))
            .header("Content-Type", "application/json")
            .POST(HttpRequest.BodyPublishers.ofString(json));
    if (token != null) {
      b.header("Authorization", "Bearer " + token);
    }
    return send(b.build());
  }

  static HttpResponse<String> send(HttpRequest request) {
    try {
      return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  static String field(String json, String name) {
    try {
      JsonNode node = JSON.readTree(json).get(name);
      return node == null ? null : node.asText();
    } catch (JsonProcessingException e) {
      throw new IllegalStateException("not JSON: " + json, e);
    }
  }

  private static void show(PrintStream out, String who, HttpResponse<String> r) {
    String stdout = r.statusCode() == 200 ? field(r.body(), "stdout") : null;
    String said = stdout != null ? stdout.strip() : field(r.body(), "error");
    out.println(who + " -> " + r.statusCode() + ": " + said);
  }
}
