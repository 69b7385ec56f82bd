package cloud.tenki.examples.interpreter;

import static cloud.tenki.examples.interpreter.InterpreterDemo.field;
import static cloud.tenki.examples.interpreter.InterpreterDemo.post;
import static cloud.tenki.examples.interpreter.InterpreterDemo.runCode;
import static cloud.tenki.examples.interpreter.InterpreterDemo.send;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.TenkiClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The interpreter service over real HTTP, with sandboxes in the embedded local engine. */
class InterpreterServerTest {
  private final PrintStream quiet = new PrintStream(new ByteArrayOutputStream(), true);
  private TenkiClient client;
  private InterpreterServer server;
  private URI base;

  @BeforeEach
  void start() throws Exception {
    client = TenkiClient.builder().localEngine().build();
    server = InterpreterServer.builder().client(client).port(0).maxSessions(3).start();
    base = server.uri();
  }

  @AfterEach
  void stop() {
    try {
      if (server != null) {
        server.close();
      }
    } finally {
      client.close();
    }
  }

  @Test
  void eachUserKeepsStateInTheirOwnSandbox() {
    String alice = InterpreterDemo.open(base, "alice", quiet);
    String bob = InterpreterDemo.open(base, "bob", quiet);

    HttpResponse<String> saved = runCode(base, "alice", alice, "python", InterpreterDemo.SAVE);
    assertThat(saved.statusCode()).as(saved.body()).isEqualTo(200);
    assertThat(field(saved.body(), "stdout")).isEqualTo("saved 3 rows, sum 16\n");
    assertThat(field(saved.body(), "exit_code")).isEqualTo("0");

    HttpResponse<String> again = runCode(base, "alice", alice, "python", InterpreterDemo.LOAD);
    assertThat(field(again.body(), "stdout")).isEqualTo("alice still has [3, 5, 8]\n");

    HttpResponse<String> peek = runCode(base, "bob", bob, "python", InterpreterDemo.PEEK);
    assertThat(field(peek.body(), "stdout")).isEqualTo("bob sees state.json: False\n");
    HttpResponse<String> shell = runCode(base, "bob", bob, "bash", "echo $((6 * 7)) >&2; exit 3");
    assertThat(field(shell.body(), "exit_code")).isEqualTo("3");
    assertThat(field(shell.body(), "stderr")).isEqualTo("42\n");
    assertThat(server.openSessions()).isEqualTo(2);
  }

  @Test
  void aTokenOpensOnlyItsOwnUsersSession() {
    String alice = InterpreterDemo.open(base, "alice", quiet);
    String bob = InterpreterDemo.open(base, "bob", quiet);
    assertThat(
            runCode(base, "alice", alice, "python", "open('secret', 'w').write('a')").statusCode())
        .isEqualTo(200);

    assertThat(runCode(base, "alice", bob, "python", "print(open('secret').read())").statusCode())
        .isEqualTo(401);
    assertThat(runCode(base, "alice", null, "python", "print(1)").statusCode()).isEqualTo(401);
    assertThat(runCode(base, "carol", bob, "python", "print(1)").statusCode()).isEqualTo(401);
    assertThat(post(base, "/sessions/alice", null, "").statusCode())
        .as("a second session for alice")
        .isEqualTo(409);
    assertThat(delete(base, "/sessions/alice", bob).statusCode()).isEqualTo(401);

    assertThat(delete(base, "/sessions/alice", alice).statusCode()).isEqualTo(204);
    assertThat(runCode(base, "alice", alice, "python", "print(1)").statusCode()).isEqualTo(401);
    String fresh = InterpreterDemo.open(base, "alice", quiet);
    HttpResponse<String> r =
        runCode(base, "alice", fresh, "python", "import os; print(os.path.exists('secret'))");
    assertThat(field(r.body(), "stdout"))
        .as("a new session gets a new sandbox")
        .isEqualTo("False\n");
  }

  @Test
  void badRequestsAreRefusedWithClientErrors() {
    String alice = InterpreterDemo.open(base, "alice", quiet);
    String path = "/sessions/alice/run";
    assertThat(runCode(base, "alice", alice, "python", "x = 1\n".repeat(12_000)).statusCode())
        .as("72 KB of code")
        .isEqualTo(413);
    assertThat(post(base, path, alice, "{\"code\": ").statusCode()).isEqualTo(400);
    assertThat(post(base, path, alice, "[1, 2]").statusCode()).isEqualTo(400);
    assertThat(post(base, path, alice, "{\"language\": \"python\"}").statusCode()).isEqualTo(400);
    assertThat(post(base, path, alice, "{\"code\": 42}").statusCode()).isEqualTo(400);
    HttpResponse<String> cobol = runCode(base, "alice", alice, "cobol", "DISPLAY 'HI'.");
    assertThat(cobol.statusCode()).isEqualTo(400);
    assertThat(field(cobol.body(), "error")).contains("`language` must be one of");
    assertThat(post(base, "/sessions/al%2Fice/run", alice, "{\"code\":\"1\"}").statusCode())
        .isEqualTo(404);
    assertThat(post(base, "/sessions/" + "a".repeat(65), null, "").statusCode()).isEqualTo(404);
    HttpRequest text =
        HttpRequest.newBuilder(base.resolve(path))
            .header("Authorization", "Bearer " + alice)
            .header("Content-Type", "text/plain")
            .POST(HttpRequest.BodyPublishers.ofString("print(1)"))
            .build();
    assertThat(InterpreterDemo.send(text).statusCode()).isEqualTo(415);
    HttpRequest get = HttpRequest.newBuilder(base.resolve(path)).GET().build();
    assertThat(InterpreterDemo.send(get).statusCode()).isEqualTo(405);
    post(base, "/sessions/bob", null, "");
    post(base, "/sessions/carol", null, "");
    assertThat(post(base, "/sessions/dave", null, "").statusCode())
        .as("a fourth session with maxSessions 3")
        .isEqualTo(503);
    assertThat(client.sandboxes().list()).as("no sandbox was created by refused calls").isEmpty();
  }

  @Test
  void shutdownTerminatesEverySandbox() {
    for (String user : new String[] {"alice", "bob"}) {
      String token = InterpreterDemo.open(base, user, quiet);
      assertThat(runCode(base, user, token, "python", "print('up')").statusCode()).isEqualTo(200);
    }
    assertThat(client.sandboxes().list()).hasSize(2);

    server.close();
    assertThat(client.sandboxes().list()).isEmpty();
    server = null;
  }

  @Test
  void idleSessionsAreClosed() throws Exception {
    // idle time runs on a clock only the test moves: on a busy machine real time between opening
    // the session and its first run could exceed the timeout and close it too early
    HandClock clock = new HandClock();
    try (InterpreterServer quick =
        InterpreterServer.builder()
            .client(client)
            .port(0)
            .idleTimeout(Duration.ofMillis(500))
            .clock(clock)
            .start()) {
      String token = InterpreterDemo.open(quick.uri(), "alice", quiet);
      assertThat(runCode(quick.uri(), "alice", token, "python", "print(1)").statusCode())
          .isEqualTo(200);
      assertThat(quick.openSessions()).as("not idle yet").isEqualTo(1);
      clock.advance(Duration.ofSeconds(1));
      Instant deadline = Instant.now().plusSeconds(30);
      while ((quick.openSessions() > 0 || client.sandboxes().list().count() > 0)
          && Instant.now().isBefore(deadline)) {
        Thread.sleep(100);
      }
      assertThat(quick.openSessions()).isZero();
      assertThat(client.sandboxes().list()).isEmpty();
      assertThat(runCode(quick.uri(), "alice", token, "python", "print(1)").statusCode())
          .isEqualTo(401);
    }
  }

  @Test
  void closingASessionDuringARunLeavesNoSandboxBehind() throws Exception {
    String token = InterpreterDemo.open(base, "alice", quiet);
    String longRun =
        "import time\nopen('/tmp/started', 'w').close()\ntime.sleep(20)\nprint('done')";
    CompletableFuture<HttpResponse<String>> running =
        CompletableFuture.supplyAsync(() -> runCode(base, "alice", token, "python", longRun));
    // closed only once the code really runs in the session's sandbox
    Instant deadline = Instant.now().plusSeconds(60);
    while (!startedIn(client)) {
      assertThat(Instant.now()).as("the long run started within 60 s").isBefore(deadline);
      Thread.sleep(50);
    }
    HttpResponse<String> closed =
        send(
            HttpRequest.newBuilder(base.resolve("/sessions/alice"))
                .header("Authorization", "Bearer " + token)
                .DELETE()
                .build());
    assertThat(closed.statusCode()).as(closed.body()).isBetween(200, 299);
    HttpResponse<String> ended = running.get(60, TimeUnit.SECONDS);
    assertThat(field(ended.body(), "stdout")).as(ended.body()).doesNotContain("done");
    // a sandbox created for the closed session after it closed would stay: none may appear
    assertThat(server.openSessions()).isZero();
    Thread.sleep(500);
    assertThat(client.sandboxes().list()).as("sandboxes after the session closed").isEmpty();
  }

  private static boolean startedIn(TenkiClient client) {
    return client
        .sandboxes()
        .list()
        .anyMatch(
            info -> {
              try {
                return client
                        .sandboxes()
                        .get(info.id())
                        .exec("test", "-f", "/tmp/started")
                        .exitCode()
                    == 0;
              } catch (RuntimeException e) {
                return false; // not ready yet, or being replaced
              }
            });
  }

  @Test
  void theDemoWalksThroughBothUsers() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    InterpreterDemo.run(base, new PrintStream(bytes, true, StandardCharsets.UTF_8));
    assertThat(bytes.toString(StandardCharsets.UTF_8))
        .contains("alice -> 200: saved 3 rows, sum 16")
        .contains("alice -> 200: alice still has [3, 5, 8]")
        .contains("bob -> 200: bob sees state.json: False")
        .contains("bob, with his token on alice's session -> 401")
        .contains("alice, 120 KB of code -> 413")
        .contains("alice, not JSON -> 400");
  }

  /** A clock that stands still until the test moves it. */
  private static final class HandClock extends Clock {
    private volatile Instant now = Instant.parse("2026-01-01T00:00:00Z");

    void advance(Duration by) {
      now = now.plus(by);
    }

    @Override
    public Instant instant() {
      return now;
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }
  }

  private static HttpResponse<String> delete(URI base, String path, String token) {
    return InterpreterDemo.send(
        HttpRequest.newBuilder(base.resolve(path))
            .header("Authorization", "Bearer " + token)
            .DELETE()
            .build());
  }
}
