package cloud.tenki.langchain4j;

import cloud.tenki.sandbox.agent.ToolNames;
import dev.langchain4j.code.CodeExecutionEngine;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Objects;

/**
 * A LangChain4j {@link CodeExecutionEngine} that runs code in a Tenki sandbox, through the
 * toolkit's {@code run_code}: one language per engine, one sandbox per engine's conversation (files
 * written by one {@link #execute(String)} are there for the next), output kept within the toolkit's
 * budgets and the full text spilled to a file in the sandbox.
 *
 * <p>{@link #execute(String)} returns what a model reads: the exit code and the stdout and stderr
 * sections (for example {@code "Exit code 0 after 0.1 s.\n--- stdout ---\n42\n"}), truncation
 * notes, and the paths of images the code saved to {@code $TENKI_OUTPUT_DIR}. A failing program, a
 * timeout or an unavailable backend is text as well; only a null argument throws.
 *
 * <pre>{@code
 * try (TenkiLangChain4j tenki = TenkiLangChain4j.builder().build()) {
 *   CodeExecutionEngine python = tenki.codeExecutionEngine("python");
 *   System.out.println(python.execute("print(sum(range(10)))"));
 * }
 * }</pre>
 *
 * <p>Thread-safe; its sandbox lives until {@link #close()}, {@link
 * TenkiLangChain4j#endConversation(Object)} with {@link #conversation()}, idle time, or the
 * toolkit's shutdown.
 */
public final class TenkiCodeExecutionEngine implements CodeExecutionEngine, AutoCloseable {
  private final ToolCalls calls;
  private final String language;
  private final Object conversation;
  private final Long timeoutSeconds;

  TenkiCodeExecutionEngine(
      ToolCalls calls, String language, Object conversation, Long timeoutSeconds) {
    this.calls = calls;
    this.language = requireNonBlank(language, "language");
    this.conversation = Objects.requireNonNull(conversation, "conversation");
    if (timeoutSeconds != null && timeoutSeconds < 1) {
      throw new IllegalArgumentException(
          "timeoutSeconds must be at least 1, got " + timeoutSeconds);
    }
    this.timeoutSeconds = timeoutSeconds;
  }

  /**
   * Runs {@code code} and returns the result's text.
   *
   * @throws NullPointerException if {@code code} is null
   */
  @Override
  public String execute(String code) {
    Objects.requireNonNull(code, "code");
    Map<String, Object> args = new LinkedHashMap<>();
    args.put("language", language);
    args.put("code", code);
    if (timeoutSeconds != null) {
      args.put("timeout_seconds", timeoutSeconds);
    }
    return calls.text(calls.call(conversation, ToolNames.RUN_CODE, args));
  }

  /** The language every call runs ({@code python}, {@code javascript}, {@code bash}, ...). */
  public String language() {
    return language;
  }

  /** The memory id whose conversation (and sandbox) this engine uses. */
  public Object conversation() {
    return conversation;
  }

  /** Ends this engine's conversation: its sandbox is terminated. The engine stays usable. */
  @Override
  public void close() {
    calls.toolkit().endConversation(ConversationKeys.of(conversation));
  }

  private static String requireNonBlank(String value, String field) {
    if (value == null || value.isBlank()) {
      throw new IllegalArgumentException(field + " must not be blank");
    }
    return value;
  }
}
