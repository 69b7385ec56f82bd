package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.TenkiException;
import java.time.Clock;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox tools for AI agents, behind one call: {@code call(conversationKey, toolName,
 * arguments)}. Both tool faces (LangChain4j, MCP) are thin adapters over this class.
 *
 * <p>Each conversation key (a LangChain4j memory id, an MCP session id) gets its own sandbox,
 * created from the {@link SandboxTemplate} on the first call that needs one, reused by later calls,
 * kept alive (extended) while used, paused or closed after {@link Builder#idleTimeout} without
 * calls, and closed by {@link #endConversation} and {@link #close()}. A sandbox that vanished is
 * replaced on the next call, whose result tells the model that earlier files are gone. The model
 * never sees a sandbox id: one conversation cannot name, let alone reach, another's sandbox.
 *
 * <p>Results are data, not exceptions: a command that exits non-zero is a normal result; bad
 * arguments, missing files, limits and backend failures are {@link ToolResult#isError() error
 * results} with a short, actionable message. Only mistakes of the application itself throw (a null
 * key, a call after {@link #close()}).
 *
 * <p>Thread-safe: calls of one conversation may run concurrently (they share one sandbox); calls of
 * different conversations are independent.
 *
 * <pre>{@code
 * try (TenkiClient client = TenkiClient.create();
 *     SandboxToolkit toolkit = SandboxToolkit.builder().client(client).build()) {
 *   ToolResult r = toolkit.call("chat-42", "run_code",
 *       Map.of("language", "python", "code", "print(6 * 7)"));
 *   System.out.println(r.text()); // Exit code 0 after 0.1 s. --- stdout --- 42
 *   toolkit.endConversation("chat-42");
 * }
 * }</pre>
 */
public final class SandboxToolkit implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(SandboxToolkit.class);

  private final Settings settings;
  private final ToolCatalog catalog;
  private final Map<String, ToolSpec> enabled = new LinkedHashMap<>();
  private final Conversations conversations;
  private final AtomicBoolean closed = new AtomicBoolean();

  private SandboxToolkit(Settings settings) {
    this.settings = settings;
    this.catalog =
        ToolCatalog.create(
            settings.defaultTimeout(), settings.maxTimeout(), settings.maxExtension());
    for (ToolSpec spec : catalog.select(settings.selection())) {
      enabled.put(spec.name(), spec);
    }
    this.conversations = new Conversations(settings);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /** Every tool, with descriptions and schemas that match this toolkit's limits. */
  public ToolCatalog catalog() {
    return catalog;
  }

  /** The tools this toolkit offers (its {@link ToolSelection}), in catalog order. */
  public List<ToolSpec> tools() {
    return List.copyOf(enabled.values());
  }

  /** Guidance for the model, for an MCP server's {@code instructions} or a system prompt. */
  public String instructions() {
    return Instructions.forTools(enabled.keySet());
  }

  /**
   * Calls a tool without a listener or cancellation; see {@link #call(String, String, Map,
   * CallOptions)}.
   */
  public ToolResult call(String conversationKey, String toolName, Map<String, ?> arguments) {
    return call(conversationKey, toolName, arguments, CallOptions.none());
  }

  /**
   * Calls a tool for a conversation.
   *
   * @param conversationKey identifies the conversation (and so its sandbox); not null or empty
   * @param toolName one of {@link #tools()}; another name gives an error result
   * @param arguments JSON-like values (String, Number, Boolean, List, Map, null) as a JSON parser
   *     produces them; null means none
   * @param options a listener for streamed output and a cancellation handle
   * @return the result; failures the model can act on are error results, never exceptions
   * @throws NullPointerException if {@code conversationKey}, {@code toolName} or {@code options} is
   *     null
   * @throws IllegalArgumentException if {@code conversationKey} is empty
   * @throws IllegalStateException if the toolkit is closed
   */
  public ToolResult call(
      String conversationKey, String toolName, Map<String, ?> arguments, CallOptions options) {
    checkKey(conversationKey);
    Objects.requireNonNull(toolName, "toolName");
    Objects.requireNonNull(options, "options");
    if (closed.get()) {
      throw new IllegalStateException("the SandboxToolkit is closed");
    }
    ToolSpec spec = enabled.get(toolName);
    if (spec == null) {
      return ToolResult.error(
          (catalog.tool(toolName) == null ? "Unknown tool `" : "The tool `")
              + toolName
              + (catalog.tool(toolName) == null ? "`." : "` is not enabled here.")
              + " Available tools: "
              + String.join(", ", enabled.keySet())
              + ".");
    }
    Call call = null;
    try {
      ToolArgs args = ToolArgs.parse(spec, arguments);
      call = new Call(settings, conversations, conversations.get(conversationKey), args, options);
      if (call.cancelled()) {
        return ToolResult.error("The call was cancelled before it started; nothing was run.");
      }
      return call.withNotes(dispatch(spec.name(), call));
    } catch (ToolFailure f) {
      return withNotes(call, ToolResult.error(f.getMessage()));
    } catch (TenkiException e) {
      return withNotes(call, ToolResult.error(conversations.failure("complete " + toolName, e)));
    } catch (RuntimeException e) {
      log.warn("tool {} failed unexpectedly", toolName, e);
      return ToolResult.error(
          "The tool "
              + toolName
              + " failed unexpectedly (an internal error, logged for the"
              + " operator). Try again; if it keeps failing, try another way.");
    }
  }

  /** {@code result} with the notes of {@code call}'s leases (none before the call exists). */
  private static ToolResult withNotes(Call call, ToolResult result) {
    return call == null ? result : call.withNotes(result);
  }

  private static ToolResult dispatch(String tool, Call call) {
    return switch (tool) {
      case ToolNames.RUN_CODE -> CommandTools.runCode(call);
      case ToolNames.RUN_COMMAND -> CommandTools.runCommand(call);
      case ToolNames.READ_PROCESS_OUTPUT -> ProcessTools.read(call);
      case ToolNames.STOP_PROCESS -> ProcessTools.stop(call);
      case ToolNames.READ_FILE -> ReadFileTool.read(call);
      case ToolNames.WRITE_FILE -> WriteTools.write(call);
      case ToolNames.EDIT_FILE -> WriteTools.edit(call);
      case ToolNames.LIST_FILES -> ListFilesTool.list(call);
      case ToolNames.EXPOSE_PORT -> PortTools.expose(call);
      case ToolNames.UNEXPOSE_PORT -> PortTools.unexpose(call);
      case ToolNames.SANDBOX_STATUS -> StatusTools.status(call);
      case ToolNames.EXTEND_SANDBOX -> StatusTools.extend(call);
      case ToolNames.RESTART_SANDBOX -> StatusTools.restart(call);
      case ToolNames.RESET_SANDBOX -> StatusTools.reset(call);
      default -> throw new IllegalStateException("no implementation for " + tool);
    };
  }

  /**
   * Ends a conversation: its sandbox is terminated (with its background processes) and forgotten. A
   * later call with the same key starts a new conversation. Unknown keys are ignored.
   *
   * @throws NullPointerException if the key is null
   */
  public void endConversation(String conversationKey) {
    checkKey(conversationKey);
    conversations.end(conversationKey);
  }

  /**
   * Gets the backend ready for a first call, so that the call does not also pay for what only a
   * first call pays ({@link TenkiClient#warmUp}). Creates nothing. Blocks for one request, so call
   * it on a thread of your own (for example when a conversation starts). Never throws: a backend
   * that cannot be reached is reported by the first call.
   */
  public void prepare() {
    if (!closed.get()) {
      settings.client().warmUp();
    }
  }

  /** How many sandboxes this toolkit runs right now (paused ones do not count). */
  public int runningSandboxes() {
    return conversations.running();
  }

  /**
   * Ends every conversation (terminating their sandboxes) and, if it owns the client, closes it.
   * Idempotent; never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      conversations.close();
    } finally {
      if (settings.ownsClient()) {
        settings.client().close();
      }
    }
  }

  private static void checkKey(String key) {
    Objects.requireNonNull(key, "conversationKey");
    if (key.isEmpty()) {
      throw new IllegalArgumentException("conversationKey must not be empty");
    }
  }

  /**
   * Collects the toolkit's configuration. Not thread-safe. Every setting but {@link
   * #client(TenkiClient)} has a default.
   */
  public static final class Builder {
    private TenkiClient client;
    private boolean ownsClient;
    private SandboxTemplate template = SandboxTemplate.defaults();
    private ToolSelection selection = ToolSelection.STANDARD;
    private OutputBudget stdoutBudget = OutputBudget.DEFAULT;
    private OutputBudget stderrBudget = OutputBudget.DEFAULT;
    private Duration defaultTimeout = Duration.ofMinutes(2);
    private Duration maxTimeout = Duration.ofMinutes(30);
    private Duration maxExtension = Duration.ofHours(1);
    private Duration maxLifetime = Duration.ofHours(8);
    private Duration idleTimeout = Duration.ofMinutes(15);
    private IdleAction idleAction = IdleAction.CLOSE;
    private int maxSandboxes = 16;
    private long spillCapBytes = 64L * 1024 * 1024;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /**
     * The client sandboxes are created with (required). Not closed by the toolkit unless {@link
     * #ownsClient(boolean)}.
     */
    public Builder client(TenkiClient client) {
      this.client = Objects.requireNonNull(client, "client");
      return this;
    }

    /** Whether {@link SandboxToolkit#close()} also closes the client (default false). */
    public Builder ownsClient(boolean ownsClient) {
      this.ownsClient = ownsClient;
      return this;
    }

    /**
     * What each conversation's sandbox is created from (default {@link
     * SandboxTemplate#defaults()}).
     */
    public Builder template(SandboxTemplate template) {
      this.template = Objects.requireNonNull(template, "template");
      return this;
    }

    /** Which tools are offered (default {@link ToolSelection#STANDARD}). */
    public Builder selection(ToolSelection selection) {
      this.selection = Objects.requireNonNull(selection, "selection");
      return this;
    }

    /** How much stdout (and file or listing text) a result may carry (default 16,000 chars). */
    public Builder stdoutBudget(OutputBudget budget) {
      this.stdoutBudget = Objects.requireNonNull(budget, "stdoutBudget");
      return this;
    }

    /** How much stderr a result may carry (default 16,000 chars). */
    public Builder stderrBudget(OutputBudget budget) {
      this.stderrBudget = Objects.requireNonNull(budget, "stderrBudget");
      return this;
    }

    /** Timeout of a command that names none (default 2 minutes; whole seconds, at least 1 s). */
    public Builder defaultTimeout(Duration timeout) {
      this.defaultTimeout = atLeast(timeout, Duration.ofSeconds(1), "defaultTimeout");
      return this;
    }

    /** The longest timeout a call may ask for (default 30 minutes). */
    public Builder maxTimeout(Duration timeout) {
      this.maxTimeout = atLeast(timeout, Duration.ofSeconds(1), "maxTimeout");
      return this;
    }

    /** The most one extend_sandbox call adds (default 1 hour; at least 1 minute). */
    public Builder maxExtension(Duration extension) {
      this.maxExtension = atLeast(extension, Duration.ofMinutes(1), "maxExtension");
      return this;
    }

    /** The longest a sandbox may live from its creation, extensions included (default 8 hours). */
    public Builder maxLifetime(Duration lifetime) {
      this.maxLifetime = atLeast(lifetime, Duration.ofMinutes(1), "maxLifetime");
      return this;
    }

    /**
     * How long a conversation may go without calls before its sandbox is closed or paused (default
     * 15 minutes).
     */
    public Builder idleTimeout(Duration idle) {
      this.idleTimeout = atLeast(idle, Duration.ofMillis(1), "idleTimeout");
      return this;
    }

    /** What happens to an idle sandbox (default {@link IdleAction#CLOSE}). */
    public Builder idleAction(IdleAction action) {
      this.idleAction = Objects.requireNonNull(action, "idleAction");
      return this;
    }

    /**
     * How many sandboxes may run at once across conversations (default 16; paused ones do not
     * count).
     */
    public Builder maxSandboxes(int max) {
      if (max < 1) {
        throw new IllegalArgumentException("maxSandboxes must be at least 1, got " + max);
      }
      this.maxSandboxes = max;
      return this;
    }

    /** How much of one stream's output a spill file keeps (default 64 MiB; at least 1 KiB). */
    public Builder spillCapBytes(long cap) {
      if (cap < 1024) {
        throw new IllegalArgumentException("spillCapBytes must be at least 1024, got " + cap);
      }
      this.spillCapBytes = cap;
      return this;
    }

    /** The clock idle time and lifetimes are measured with (default the system UTC clock). */
    public Builder clock(Clock clock) {
      this.clock = Objects.requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Builds the toolkit.
     *
     * @throws IllegalStateException if no client was set
     * @throws IllegalArgumentException if the limits contradict each other
     */
    public SandboxToolkit build() {
      if (client == null) {
        throw new IllegalStateException("client must be set");
      }
      if (defaultTimeout.compareTo(maxTimeout) > 0) {
        throw new IllegalArgumentException(
            "defaultTimeout ("
                + defaultTimeout
                + ") must not exceed maxTimeout ("
                + maxTimeout
                + ")");
      }
      if (template.lifetime().compareTo(maxLifetime) > 0) {
        throw new IllegalArgumentException(
            "the template's lifetime ("
                + template.lifetime()
                + ") must not exceed maxLifetime ("
                + maxLifetime
                + ")");
      }
      return new SandboxToolkit(
          new Settings(
              client,
              ownsClient,
              template,
              selection,
              stdoutBudget,
              stderrBudget,
              Duration.ofSeconds(defaultTimeout.toSeconds()),
              Duration.ofSeconds(maxTimeout.toSeconds()),
              maxExtension,
              maxLifetime,
              idleTimeout,
              idleAction,
              maxSandboxes,
              spillCapBytes,
              clock));
    }

    private static Duration atLeast(Duration d, Duration min, String field) {
      if (d == null || d.compareTo(min) < 0) {
        throw new IllegalArgumentException(field + " must be at least " + min + ", got " + d);
      }
      return d;
    }
  }
}
