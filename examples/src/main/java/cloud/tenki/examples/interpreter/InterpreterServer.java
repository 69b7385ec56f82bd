package cloud.tenki.examples.interpreter;

import cloud.tenki.examples.interpreter.InterpreterSessions.RefusedException;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.SandboxTemplate;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import cloud.tenki.sandbox.agent.ToolResult;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.sun.net.httpserver.HttpExchange;
import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A code-interpreter backend: a small HTTP service that runs code each user submits in that user's
 * own sandbox. Files, installed packages and background processes persist between a session's runs;
 * every run is a fresh interpreter process, so variables do not.
 *
 * <ul>
 *   <li>{@code POST /sessions/{user}}: opens a session and answers {@code {"token": "..."}}; 409
 *       while that user has one open. Put your application's login in front of this call.
 *   <li>{@code POST /sessions/{user}/run} with {@code Authorization: Bearer <token>} and {@code
 *       {"code": "...", "language": "python"}}: runs it and answers the exit code, stdout and
 *       stderr.
 *   <li>{@code DELETE /sessions/{user}} with the token: ends the session and its sandbox.
 * </ul>
 *
 * <p>A token opens only its own user's session (401 otherwise). Bodies are limited ({@code
 * maxBodyBytes}, 413), sessions too ({@code maxSessions}, 503); idle sessions are closed, and
 * {@link #close()} closes them all. It binds to 127.0.0.1 unless told otherwise. Thread-safe.
 *
 * <pre>{@code
 * try (TenkiClient client = TenkiClient.create();
 *     InterpreterServer server = InterpreterServer.builder().client(client).port(0).start()) {
 *   System.out.println("listening on " + server.uri());
 * }
 * }</pre>
 *
 * <p>Run the demo (two users, then shutdown), or serve until Ctrl-C with {@code --serve}:
 *
 * <pre>
 * ./mvnw -q -pl examples -am verify -DskipTests -Pinterpreter
 * ./mvnw -q -pl examples -am verify -DskipTests -Pinterpreter -Dinterpreter.args=--serve
 * </pre>
 */
public final class InterpreterServer implements AutoCloseable {
  static final Set<String> LANGUAGES = Set.of("python", "javascript", "node", "bash", "sh");
  private static final Pattern PATH = Pattern.compile("/sessions/([A-Za-z0-9_-]{1,64})(/run)?");
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final long DRAIN_LIMIT = 1 << 20;

  private final HttpServer http;
  private final ExecutorService workers;
  private final ScheduledExecutorService sweeper;
  private final InterpreterSessions sessions;
  private final int maxBodyBytes;

  private InterpreterServer(Builder b) throws IOException {
    SandboxToolkit toolkit =
        SandboxToolkit.builder()
            .client(b.client)
            .template(SandboxTemplate.builder().cpuCores(1).memoryMb(b.memoryMb).build())
            .defaultTimeout(b.runTimeout)
            .maxSandboxes(b.maxSessions)
            .build();
    this.sessions = new InterpreterSessions(toolkit, b.maxSessions, b.idleTimeout, b.clock);
    this.maxBodyBytes = b.maxBodyBytes;
    this.workers = Executors.newFixedThreadPool(b.threads, daemon("interpreter-http"));
    this.sweeper = Executors.newSingleThreadScheduledExecutor(daemon("interpreter-idle"));
    try {
      this.http = HttpServer.create(new InetSocketAddress(b.host, b.port), 64);
    } catch (IOException e) {
      close();
      throw e;
    }
    http.setExecutor(workers);
    http.createContext("/", this::handle);
    http.start();
    long period = Math.max(100, Math.min(b.idleTimeout.toMillis() / 4, 30_000));
    sweeper.scheduleWithFixedDelay(sessions::closeIdle, period, period, TimeUnit.MILLISECONDS);
  }

  /** A builder; {@link Builder#client} is required. */
  public static Builder builder() {
    return new Builder();
  }

  /** The base URI, e.g. {@code http://127.0.0.1:8800}. */
  public URI uri() {
    InetSocketAddress a = http.getAddress();
    return URI.create("http://" + a.getAddress().getHostAddress() + ":" + a.getPort());
  }

  /** Sessions open now. */
  public int openSessions() {
    return sessions.size();
  }

  /** Stops accepting requests, ends every session and terminates every sandbox. */
  @Override
  public void close() {
    if (http != null) {
      http.stop(0);
    }
    sweeper.shutdownNow();
    sessions.close();
    workers.shutdownNow();
  }

  private void handle(HttpExchange ex) throws IOException {
    try (ex) {
      Reply reply;
      try {
        reply = route(ex);
      } catch (RefusedException e) {
        reply = Reply.error(status(e.refusal), e.getMessage());
      } catch (BadRequest e) {
        reply = Reply.error(e.status, e.getMessage());
      } catch (RuntimeException e) {
        // details go to the operator's log, not to the caller
        System.err.println("interpreter: request failed: " + e);
        reply = Reply.error(500, "the request failed; see the server log");
      }
      reply.send(ex);
    }
  }

  private Reply route(HttpExchange ex) throws IOException {
    Matcher m = PATH.matcher(ex.getRequestURI().getRawPath());
    if (!m.matches() || ex.getRequestURI().getRawQuery() != null) {
      return Reply.error(404, "not found; use POST /sessions/{user} and POST /sessions/{user}/run");
    }
    String user = m.group(1);
    boolean run = m.group(2) != null;
    String method = ex.getRequestMethod();
    if (run && method.equals("POST")) {
      return run(ex, user);
    } else if (!run && method.equals("POST")) {
      return Reply.json(201, Map.of("user", user, "token", sessions.open(user)));
    } else if (!run && method.equals("DELETE")) {
      sessions.close(user, bearer(ex));
      return new Reply(204, null);
    }
    return Reply.error(405, method + " is not allowed here");
  }

  private Reply run(HttpExchange ex, String user) throws IOException {
    String token = bearer(ex);
    JsonNode body = readJson(ex);
    JsonNode code = body.get("code");
    if (code == null || !code.isTextual() || code.asText().isBlank()) {
      throw new BadRequest(400, "`code` must be a non-empty string");
    }
    String language = body.path("language").asText("python");
    if (!LANGUAGES.contains(language)) {
      throw new BadRequest(400, "`language` must be one of " + LANGUAGES + ", got " + language);
    }
    ToolResult r = sessions.run(user, token, language, code.asText());
    Map<String, Object> answer = new LinkedHashMap<>(r.structured());
    answer.put("text", r.text());
    return Reply.json(r.isError() ? 422 : 200, answer);
  }

  private JsonNode readJson(HttpExchange ex) throws IOException {
    String type = Objects.requireNonNullElse(ex.getRequestHeaders().getFirst("Content-Type"), "");
    if (!type.toLowerCase(java.util.Locale.ROOT).startsWith("application/json")) {
      throw new BadRequest(415, "send the code as application/json: {\"code\": \"...\"}");
    }
    byte[] bytes = readBounded(ex.getRequestBody());
    try {
      JsonNode node = JSON.readTree(bytes);
      if (node == null || !node.isObject()) {
        throw new BadRequest(400, "the body must be a JSON object");
      }
      return node;
    } catch (JsonProcessingException e) {
      throw new BadRequest(400, "the body is not valid JSON");
    }
  }

  private byte[] readBounded(InputStream in) throws IOException {
    byte[] bytes = in.readNBytes(maxBodyBytes + 1);
    if (bytes.length > maxBodyBytes) {
      discard(in, DRAIN_LIMIT);
      throw new BadRequest(413, "the body is larger than " + maxBodyBytes + " bytes");
    }
    return bytes;
  }

  // reads what the client is still sending (up to a bound) so that it gets to read the 413: closing
  // a connection with unread request bytes resets it, and the client may see only the reset
  private static void discard(InputStream in, long limit) throws IOException {
    byte[] buf = new byte[8192];
    long left = limit;
    int n;
    while (left > 0 && (n = in.read(buf, 0, (int) Math.min(buf.length, left))) > 0) {
      left -= n;
    }
  }

  private static String bearer(HttpExchange ex) {
    String h = ex.getRequestHeaders().getFirst("Authorization");
    return h != null && h.startsWith("Bearer ") ? h.substring(7).strip() : null;
  }

  private static int status(InterpreterSessions.Refusal r) {
    return switch (r) {
      case SESSION_EXISTS -> 409;
      case TOO_MANY_SESSIONS -> 503;
      case NOT_AUTHORISED -> 401;
    };
  }

  private static java.util.concurrent.ThreadFactory daemon(String name) {
    return r -> {
      Thread t = new Thread(r, name);
      t.setDaemon(true);
      return t;
    };
  }

  /** A client mistake, answered with {@code status} and a message. */
  private static final class BadRequest extends RuntimeException {
    private static final long serialVersionUID = 1L;
    final int status;

    BadRequest(int status, String message) {
      super(message);
      this.status = status;
    }
  }

  private record Reply(int status, byte[] body) {
    static Reply json(int status, Object value) {
      try {
        return new Reply(status, JSON.writeValueAsBytes(value));
      } catch (JsonProcessingException e) {
        throw new UncheckedIOException(e);
      }
    }

    static Reply error(int status, String message) {
      return json(status, Map.of("error", message));
    }

    void send(HttpExchange ex) throws IOException {
      if (body == null) {
        ex.sendResponseHeaders(status, -1);
        return;
      }
      ex.getResponseHeaders().set("Content-Type", "application/json");
      ex.sendResponseHeaders(status, body.length);
      ex.getResponseBody().write(body);
    }
  }

  /** Settings of an {@link InterpreterServer}; {@link #client} is required. */
  public static final class Builder {
    private TenkiClient client;
    private InetAddress host = InetAddress.getLoopbackAddress();
    private int port = 8800;
    private int maxBodyBytes = 64 * 1024;
    private int maxSessions = 8;
    private int threads = 8;
    private int memoryMb = 512;
    private Duration idleTimeout = Duration.ofMinutes(10);
    private Duration runTimeout = Duration.ofSeconds(60);
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** Creates the sandboxes; not closed by the server. */
    public Builder client(TenkiClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Address to bind (default 127.0.0.1); put authentication and TLS in front of any other. */
    public Builder host(InetAddress host) {
      this.host = Objects.requireNonNull(host, "host");
      return this;
    }

    /** TCP port (default 8800; 0 picks a free one). */
    public Builder port(int port) {
      if (port < 0 || port > 65535) {
        throw new IllegalArgumentException("port must be between 0 and 65535, got " + port);
      }
      this.port = port;
      return this;
    }

    /** Largest accepted request body (default 64 KiB). */
    public Builder maxBodyBytes(int max) {
      this.maxBodyBytes = positive("maxBodyBytes", max);
      return this;
    }

    /** Sessions (and so sandboxes) open at once (default 8). */
    public Builder maxSessions(int max) {
      this.maxSessions = positive("maxSessions", max);
      return this;
    }

    /** A session without runs this long is closed (default 10 minutes). */
    public Builder idleTimeout(Duration idle) {
      if (idle.isNegative() || idle.isZero()) {
        throw new IllegalArgumentException("idleTimeout must be positive, got " + idle);
      }
      this.idleTimeout = idle;
      return this;
    }

    /** How long one run may take before it is killed (default 60 s). */
    public Builder runTimeout(Duration timeout) {
      this.runTimeout = Objects.requireNonNull(timeout, "runTimeout");
      return this;
    }

    /** The clock idle time is measured on (default system UTC). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /** Starts the server; it serves until {@link InterpreterServer#close()}. */
    public InterpreterServer start() throws IOException {
      Objects.requireNonNull(client, "client must be set");
      return new InterpreterServer(this);
    }

    private static int positive(String field, int value) {
      if (value <= 0) {
        throw new IllegalArgumentException(field + " must be positive, got " + value);
      }
      return value;
    }
  }
}
