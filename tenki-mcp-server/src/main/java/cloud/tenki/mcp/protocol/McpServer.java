package cloud.tenki.mcp.protocol;

import cloud.tenki.mcp.tool.LogLevel;
import cloud.tenki.mcp.tool.McpToolSource;
import cloud.tenki.mcp.tool.ToolDefinition;
import cloud.tenki.mcp.tool.ToolResult;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The MCP protocol engine, independent of any transport: it owns the {@link McpToolSource}, the
 * threads that run tool calls, and the live {@link McpSession}s (one per conversation).
 *
 * <p>Transports open a session per conversation, feed it messages and {@link McpSession#end()} it
 * when the conversation is over. {@link #close()} ends every live session, then closes the tool
 * source. Thread-safe.
 *
 * <pre>{@code
 * try (McpServer server = McpServer.builder(toolSource).instructions(text).build()) {
 *   McpSession session = server.openSession();
 *   session.handle(message, exchange);
 * }
 * }</pre>
 */
public final class McpServer implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(McpServer.class);

  /** Caps on what one call may stream as progress. */
  record Limits(int progressMessageChars, long progressTextBudget) {}

  private final McpToolSource source;
  private final String serverName;
  private final String serverVersion;
  private final String instructions;
  private final LogLevel defaultLogLevel;
  private final Limits limits;
  private final ToolCatalog catalog;
  private final SchemaChecker schemas = new SchemaChecker();
  private final ResultEncoder encoder = new ResultEncoder(schemas);
  private final ThreadPoolExecutor calls;
  private final int maxConcurrentCalls;
  private final Set<McpSession> sessions = ConcurrentHashMap.newKeySet();
  private final AtomicBoolean closed = new AtomicBoolean();
  private final AtomicBoolean prepared = new AtomicBoolean();
  private final boolean prepareSource;
  private final AtomicLong conversations = new AtomicLong();
  // distinguishes this process's keys from another's; keys are names, not secrets (HTTP session
  // ids, which are, never reach the tool source)
  private final String keyPrefix =
      "conversation-" + Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 1) + "-";

  private McpServer(Builder builder) {
    this.source = builder.source;
    this.prepareSource = builder.prepareSource;
    this.serverName = builder.serverName;
    this.serverVersion = builder.serverVersion;
    this.instructions = builder.instructions;
    this.defaultLogLevel = builder.defaultLogLevel;
    this.limits = new Limits(builder.progressMessageChars, builder.progressTextBudget);
    this.catalog = new ToolCatalog(source, builder.pageSize);
    this.maxConcurrentCalls = builder.maxConcurrentCalls;
    // threads are created on demand and die when idle: nothing is paid at start-up
    this.calls =
        new ThreadPoolExecutor(
            builder.maxConcurrentCalls,
            builder.maxConcurrentCalls,
            30,
            TimeUnit.SECONDS,
            builder.maxQueuedCalls == 0
                ? new SynchronousQueue<>()
                : new LinkedBlockingQueue<>(builder.maxQueuedCalls),
            callThreads());
    this.calls.allowCoreThreadTimeOut(true);
  }

  /** Starts a server over the given tool source, which it then owns. */
  public static Builder builder(McpToolSource source) {
    return new Builder(source);
  }

  /** The tool source (owned by this server). */
  public McpToolSource toolSource() {
    return source;
  }

  /** Opens a session for a new conversation with a fresh, unique conversation key. */
  public McpSession openSession() {
    McpSession session =
        new McpSession(this, keyPrefix + conversations.incrementAndGet(), defaultLogLevel);
    if (closed.get()) {
      throw new IllegalStateException("the server is closed");
    }
    sessions.add(session);
    return session;
  }

  /** Live sessions, for shutdown and diagnostics. */
  public List<McpSession> sessions() {
    return new ArrayList<>(sessions);
  }

  /**
   * A session answered {@code tools/list}: the first time, calls are likely to follow, so the tool
   * source gets ready for them and the tools' input schemas are compiled, on two background
   * threads, while the client's model writes its first call.
   */
  void toolsListed() {
    if (!prepareSource || closed.get() || !prepared.compareAndSet(false, true)) {
      return;
    }
    background(
        "mcp-prepare-source",
        () -> {
          try {
            source.prepare();
          } catch (RuntimeException e) {
            LOG.debug("the tool source could not prepare", e);
          }
        });
    background(
        "mcp-prepare-schemas",
        () -> {
          ObjectNode none = JsonRpc.MAPPER.createObjectNode();
          try {
            for (ToolDefinition tool : source.tools()) {
              schemas.problems(tool.inputSchema(), none);
            }
          } catch (RuntimeException e) {
            // a call compiling the same schema reports what is wrong with it
            LOG.debug("the tools' schemas could not be compiled ahead", e);
          }
        });
  }

  private static void background(String name, Runnable task) {
    Thread t = new Thread(task, name);
    t.setDaemon(true);
    t.start();
  }

  String serverName() {
    return serverName;
  }

  Limits limits() {
    return limits;
  }

  ToolCatalog catalog() {
    return catalog;
  }

  ObjectNode initializeResult(ProtocolVersion version) {
    ObjectNode result = JsonRpc.MAPPER.createObjectNode();
    result.put("protocolVersion", version.wireName());
    ObjectNode capabilities = result.putObject("capabilities");
    capabilities.putObject("logging");
    capabilities.putObject("tools").put("listChanged", false);
    ObjectNode info = result.putObject("serverInfo");
    info.put("name", serverName);
    info.put("version", serverVersion);
    if (instructions != null) {
      result.put("instructions", instructions);
    }
    return result;
  }

  /** Validates the arguments, then runs the call on a call thread (or refuses when saturated). */
  void invoke(McpSession session, ToolDefinition tool, JsonNode arguments, ToolCall call) {
    ProtocolVersion version = session.version();
    List<String> problems = schemas.problems(tool.inputSchema(), arguments);
    if (!problems.isEmpty()) {
      String message =
          "Invalid arguments for tool '" + tool.name() + "': " + String.join("; ", problems);
      call.complete(encoder.encode(tool, ToolResult.error(message), version));
      return;
    }
    try {
      Future<?> future =
          calls.submit(() -> run(session.conversationKey(), tool, arguments, call, version));
      call.attach(future);
    } catch (RejectedExecutionException e) {
      String message =
          "The server is busy with "
              + maxConcurrentCalls
              + " running tool calls and a full queue; wait for some to finish and try again.";
      call.complete(encoder.encode(tool, ToolResult.error(message), version));
    }
  }

  private void run(
      String key, ToolDefinition tool, JsonNode arguments, ToolCall call, ProtocolVersion version) {
    ToolResult result;
    try {
      result = Objects.requireNonNull(source.call(key, tool.name(), arguments, call), "result");
    } catch (InterruptedException e) {
      if (call.isCancelled()) {
        return; // expected: the cancellation interrupted the tool
      }
      result = ToolResult.error("Tool '" + tool.name() + "' was interrupted.");
    } catch (Exception | Error e) {
      if (call.isCancelled()) {
        return;
      }
      LOG.warn("tool {} failed", tool.name(), e);
      result = ToolResult.error(ResultEncoder.internalError(tool));
    }
    call.complete(encoder.encode(tool, result, version));
  }

  void ended(McpSession session) {
    sessions.remove(session);
    try {
      source.conversationEnded(session.conversationKey());
    } catch (RuntimeException e) {
      LOG.warn("ending a conversation failed", e);
    }
  }

  /** Ends every live session, stops the call threads and closes the tool source. Idempotent. */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    for (McpSession session : sessions()) {
      session.end();
    }
    calls.shutdownNow();
    try {
      source.close();
    } catch (RuntimeException e) {
      LOG.warn("closing the tool source failed", e);
    }
  }

  private static java.util.concurrent.ThreadFactory callThreads() {
    AtomicInteger count = new AtomicInteger();
    return task -> {
      Thread thread = new Thread(task, "mcp-call-" + count.incrementAndGet());
      thread.setDaemon(true);
      return thread;
    };
  }

  /** Settings of a {@link McpServer}; not thread-safe. */
  public static final class Builder {
    private final McpToolSource source;
    private String serverName = "tenki-mcp-server";
    private String serverVersion = "0.1.0";
    private String instructions;
    private LogLevel defaultLogLevel = LogLevel.INFO;
    private int pageSize = 50;
    private int maxConcurrentCalls = 16;
    private int maxQueuedCalls = 64;
    private int progressMessageChars = 4000;
    private long progressTextBudget = 1 << 20;
    private boolean prepareSource = true;

    private Builder(McpToolSource source) {
      this.source = Objects.requireNonNull(source, "source");
    }

    /** Name and version in {@code serverInfo}. */
    public Builder serverInfo(String name, String version) {
      this.serverName = requireText(name, "serverInfo.name");
      this.serverVersion = requireText(version, "serverInfo.version");
      return this;
    }

    /** Instructions for the model, sent in the {@code initialize} result; {@code null} for none. */
    public Builder instructions(String instructions) {
      this.instructions = instructions == null || instructions.isBlank() ? null : instructions;
      return this;
    }

    /** Level of log messages sent before the client sets one (default {@code info}). */
    public Builder defaultLogLevel(LogLevel level) {
      this.defaultLogLevel = Objects.requireNonNull(level, "defaultLogLevel");
      return this;
    }

    /** Tools per {@code tools/list} page (default 50). */
    public Builder pageSize(int pageSize) {
      this.pageSize = positive(pageSize, "pageSize");
      return this;
    }

    /** Tool calls running at once over all sessions (default 16), and waiting (default 64). */
    public Builder concurrency(int maxConcurrentCalls, int maxQueuedCalls) {
      this.maxConcurrentCalls = positive(maxConcurrentCalls, "maxConcurrentCalls");
      if (maxQueuedCalls < 0) {
        throw new IllegalArgumentException("maxQueuedCalls must be >= 0 but was " + maxQueuedCalls);
      }
      this.maxQueuedCalls = maxQueuedCalls;
      return this;
    }

    /** Longest text of one progress message, and total progress text per call. */
    public Builder progressLimits(int messageChars, long totalChars) {
      this.progressMessageChars = positive(messageChars, "progressMessageChars");
      if (totalChars <= 0) {
        throw new IllegalArgumentException("progressTextBudget must be > 0 but was " + totalChars);
      }
      this.progressTextBudget = totalChars;
      return this;
    }

    /**
     * Whether the first {@code tools/list} lets the tool source get ready for calls ({@link
     * McpToolSource#prepare}; default true). Off for a server that only lists its tools.
     */
    public Builder prepareSourceWhenListed(boolean prepare) {
      this.prepareSource = prepare;
      return this;
    }

    public McpServer build() {
      return new McpServer(this);
    }

    private static int positive(int value, String field) {
      if (value <= 0) {
        throw new IllegalArgumentException(field + " must be > 0 but was " + value);
      }
      return value;
    }

    private static String requireText(String value, String field) {
      if (value == null || value.isBlank()) {
        throw new IllegalArgumentException(field + " must not be blank");
      }
      return value;
    }
  }
}
