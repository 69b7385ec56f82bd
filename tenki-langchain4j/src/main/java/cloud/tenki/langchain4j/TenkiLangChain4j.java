package cloud.tenki.langchain4j;

import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import dev.langchain4j.memory.chat.ChatMemoryProvider;
import dev.langchain4j.service.tool.ToolArgumentsErrorHandler;
import dev.langchain4j.service.tool.ToolErrorHandlerResult;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;

/**
 * Tenki sandboxes for LangChain4j agents: a real Linux computer per chat memory in which the model
 * runs code and commands, reads and writes files and publishes ports.
 *
 * <p>One instance holds one agent toolkit ({@link SandboxToolkit}, which does the work) and hands
 * out its LangChain4j faces:
 *
 * <ul>
 *   <li>{@link #sandboxTools()}: {@code @Tool} methods for {@code AiServices...tools(...)} (the
 *       standard tool set);
 *   <li>{@link #toolProvider()}: a {@code ToolProvider} with exactly the toolkit's selected tools
 *       (read-only, subsets, the full set, custom limits);
 *   <li>{@link #codeExecutionEngine(String)}: a {@code CodeExecutionEngine};
 *   <li>{@link #instructions()}: guidance for a system message.
 * </ul>
 *
 * <p>Each chat memory id is a conversation with its own sandbox, created on first use. End it with
 * {@link #endConversation(Object)} (or let {@link #chatMemoryProvider(ChatMemoryProvider)} end it
 * when the memory is cleared); the toolkit also closes sandboxes left idle. {@link #close()} ends
 * every conversation and releases what this instance owns.
 *
 * <pre>{@code
 * try (TenkiLangChain4j tenki = TenkiLangChain4j.builder().build()) { // local engine without a token
 *   Assistant assistant = AiServices.builder(Assistant.class)
 *       .chatModel(model)
 *       .systemMessage(tenki.instructions())
 *       .chatMemoryProvider(tenki.chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(40)))
 *       .toolProvider(tenki.toolProvider())
 *       .build();
 *   System.out.println(assistant.chat("alice", "What is the 30th Fibonacci number? Compute it."));
 * }
 * }</pre>
 *
 * <p>Thread-safe. Owns its toolkit (and the client it created) unless given an existing toolkit.
 */
public final class TenkiLangChain4j implements AutoCloseable {
  private final SandboxToolkit toolkit;
  private final boolean ownsToolkit;
  private final ToolCalls calls;
  private final Object lock = new Object();
  private final AtomicLong engines = new AtomicLong();
  private TenkiSandboxTools sandboxTools;
  private TenkiToolProvider toolProvider;

  private TenkiLangChain4j(
      SandboxToolkit toolkit,
      boolean ownsToolkit,
      ImageMode imageMode,
      SandboxOutputListener listener) {
    this.toolkit = toolkit;
    this.ownsToolkit = ownsToolkit;
    this.calls = new ToolCalls(toolkit, imageMode, listener);
  }

  /** A new builder. */
  public static Builder builder() {
    return new Builder();
  }

  /**
   * The standard tools as {@code @Tool} methods.
   *
   * @throws IllegalStateException if the toolkit offers another set or documents other limits than
   *     the {@code @Tool} methods describe (a read-only or reduced selection, the full set, custom
   *     timeouts): use {@link #toolProvider()}, which presents the toolkit's tools as they are
   */
  public TenkiSandboxTools sandboxTools() {
    synchronized (lock) {
      if (sandboxTools == null) {
        TenkiSandboxTools tools = new TenkiSandboxTools(calls);
        String mismatch = ToolsCheck.mismatch(tools, toolkit.tools());
        if (mismatch != null) {
          throw new IllegalStateException(
              "The @Tool methods of TenkiSandboxTools describe the standard tool set with the"
                  + " default limits, but this toolkit offers something else ("
                  + mismatch
                  + "). Use toolProvider() instead: it offers exactly the toolkit's tools.");
        }
        sandboxTools = tools;
      }
      return sandboxTools;
    }
  }

  /** The toolkit's selected tools as a {@code ToolProvider}. */
  public TenkiToolProvider toolProvider() {
    synchronized (lock) {
      if (toolProvider == null) {
        toolProvider = new TenkiToolProvider(calls);
      }
      return toolProvider;
    }
  }

  /**
   * A code execution engine for {@code language} ({@code python}, {@code javascript}, {@code bash},
   * or any interpreter installed in the sandbox), with its own conversation and sandbox.
   */
  public TenkiCodeExecutionEngine codeExecutionEngine(String language) {
    return new TenkiCodeExecutionEngine(
        calls, language, new EngineConversation(engines.incrementAndGet()), null);
  }

  /** The memory id of an engine's own conversation: a type no application memory id has. */
  record EngineConversation(long number) {}

  /**
   * A code execution engine for {@code language} that runs in the sandbox of chat memory {@code
   * memoryId} (sharing its files with that conversation's tools), each run limited to {@code
   * timeoutSeconds} (null: the toolkit's default).
   */
  public TenkiCodeExecutionEngine codeExecutionEngine(
      String language, Object memoryId, Long timeoutSeconds) {
    return new TenkiCodeExecutionEngine(
        calls, language, ConversationKeys.orDefault(memoryId), timeoutSeconds);
  }

  /** Guidance on using the selected tools well, for the AI service's system message. */
  public String instructions() {
    return toolkit.instructions();
  }

  /**
   * A {@link ToolArgumentsErrorHandler} for {@code AiServices...toolArgumentsErrorHandler(...)}
   * that returns arguments LangChain4j cannot convert for a {@code @Tool} method (a word where a
   * number belongs) to the model as an error it can correct, instead of failing the AI service call
   * (LangChain4j's default).
   */
  public ToolArgumentsErrorHandler toolArgumentsErrorHandler() {
    return (error, context) ->
        ToolErrorHandlerResult.text(
            "The arguments of "
                + context.toolExecutionRequest().name()
                + " do not match its parameters: "
                + Objects.requireNonNullElse(error.getMessage(), error.getClass().getSimpleName())
                + ". Check the tool's schema and call it again.");
  }

  /**
   * Wraps {@code delegate} so that clearing a chat memory ({@code ChatMemory.clear()}, also called
   * by {@code ChatMemoryService.clearAll()}) ends that memory's sandbox as well. Replacing a
   * memory's messages ({@code set}) does not.
   */
  public ChatMemoryProvider chatMemoryProvider(ChatMemoryProvider delegate) {
    Objects.requireNonNull(delegate, "delegate");
    return memoryId -> new EndingChatMemory(delegate.get(memoryId), memoryId, this);
  }

  /**
   * Ends the conversation of {@code memoryId} (null: the default one): its sandbox is terminated,
   * with its processes and files. A later call with the same id starts a fresh sandbox. Unknown ids
   * are ignored.
   */
  public void endConversation(Object memoryId) {
    toolkit.endConversation(ConversationKeys.of(memoryId));
  }

  /** The toolkit behind the faces, for direct calls and its catalog. */
  public SandboxToolkit toolkit() {
    return toolkit;
  }

  /**
   * Ends every conversation (terminating their sandboxes) and closes the client and the local
   * engine this instance started. A toolkit passed to {@link Builder#toolkit(SandboxToolkit)} is
   * left open. Idempotent.
   */
  @Override
  public void close() {
    if (ownsToolkit) {
      toolkit.close();
    }
  }

  /**
   * Configures a {@link TenkiLangChain4j}. Not thread-safe.
   *
   * <p>Where sandboxes run, in order: an existing {@link #toolkit(SandboxToolkit)}; a {@link
   * #client(TenkiClient)}; the local engine when asked with {@link #localEngine()}; Tenki Cloud (or
   * the endpoint set) when {@code TENKI_AUTH_TOKEN}, {@code TENKI_API_KEY}, {@code
   * TENKI_API_ENDPOINT} or {@code TENKI_API_URL} is set; otherwise the embedded local engine
   * ({@code cloud.tenki:tenki-engine}, a runtime dependency of this module), with a log line saying
   * so.
   */
  public static final class Builder {
    private SandboxToolkit toolkit;
    private TenkiClient client;
    private boolean ownsClient;
    private boolean localEngine;
    private Map<String, String> engineSettings = Map.of();
    private Environment environment = Environment.system();
    private Consumer<SandboxToolkit.Builder> toolkitOptions = b -> {};
    private ImageMode imageMode = ImageMode.AUTO;
    private SandboxOutputListener listener;

    private Builder() {}

    /**
     * Uses an existing toolkit (shared with another face, for example); {@link
     * TenkiLangChain4j#close()} leaves it open. Excludes every other option about sandboxes.
     */
    public Builder toolkit(SandboxToolkit toolkit) {
      this.toolkit = Objects.requireNonNull(toolkit, "toolkit");
      return this;
    }

    /** The client sandboxes are created with; closed on {@code close()} only if {@code owns}. */
    public Builder client(TenkiClient client, boolean owns) {
      this.client = Objects.requireNonNull(client, "client");
      this.ownsClient = owns;
      return this;
    }

    /** The client sandboxes are created with; the caller keeps owning it. */
    public Builder client(TenkiClient client) {
      return client(client, false);
    }

    /** Runs sandboxes on this machine with the embedded local engine, whatever is configured. */
    public Builder localEngine() {
      return localEngine(Map.of());
    }

    /** As {@link #localEngine()}, with engine settings (for example {@code state-dir}). */
    public Builder localEngine(Map<String, String> settings) {
      this.localEngine = true;
      this.engineSettings = Map.copyOf(settings);
      return this;
    }

    /** Reads the Tenki variables from this map instead of the process environment. */
    public Builder environment(Map<String, String> environment) {
      this.environment = Environment.of(environment);
      return this;
    }

    /**
     * Sets toolkit options (tool selection, sandbox template, output budgets, timeouts, idle
     * handling, sandbox cap); the client is set by this builder.
     *
     * <pre>{@code
     * .configureToolkit(t -> t
     *     .selection(ToolSelection.STANDARD.disable("expose_port"))
     *     .template(SandboxTemplate.builder().cpuCores(2).memoryMb(4096).build())
     *     .defaultTimeout(Duration.ofMinutes(5)))
     * }</pre>
     */
    public Builder configureToolkit(Consumer<SandboxToolkit.Builder> options) {
      this.toolkitOptions = this.toolkitOptions.andThen(Objects.requireNonNull(options, "options"));
      return this;
    }

    /** How images reach the model (default {@link ImageMode#AUTO}). */
    public Builder imageMode(ImageMode mode) {
      this.imageMode = Objects.requireNonNull(mode, "imageMode");
      return this;
    }

    /** Receives command output as it streams (default none). */
    public Builder outputListener(SandboxOutputListener listener) {
      this.listener = Objects.requireNonNull(listener, "outputListener");
      return this;
    }

    /**
     * Builds the instance, starting the local engine if that is where sandboxes run.
     *
     * @throws cloud.tenki.sandbox.ConfigurationException if the local engine is needed but not on
     *     the class path, or the configured endpoint is unusable
     */
    public TenkiLangChain4j build() {
      if (toolkit != null) {
        if (client != null || localEngine) {
          throw new IllegalStateException(
              "toolkit(...) excludes client(...) and localEngine(): the toolkit has its client");
        }
        return new TenkiLangChain4j(toolkit, false, imageMode, listener);
      }
      boolean ownsTheClient = client == null || ownsClient;
      TenkiClient c =
          client != null ? client : Clients.create(localEngine, engineSettings, environment);
      try {
        SandboxToolkit.Builder b = SandboxToolkit.builder();
        toolkitOptions.accept(b);
        SandboxToolkit built = b.client(c).ownsClient(ownsTheClient).build();
        return new TenkiLangChain4j(built, true, imageMode, listener);
      } catch (RuntimeException e) {
        if (client == null) {
          c.close(); // created here and handed to no one
        }
        throw e;
      }
    }
  }
}
