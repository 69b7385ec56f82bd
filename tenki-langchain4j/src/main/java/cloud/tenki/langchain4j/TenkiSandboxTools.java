package cloud.tenki.langchain4j;

import cloud.tenki.sandbox.agent.ToolNames;
import dev.langchain4j.agent.tool.P;
import dev.langchain4j.agent.tool.Tool;
import dev.langchain4j.agent.tool.ToolMemoryId;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.invocation.InvocationContext;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The standard sandbox tools as LangChain4j {@link Tool @Tool} methods, for {@code
 * AiServices.builder(...).tools(...)}.
 *
 * <p>Each chat memory gets its own sandbox: every method takes the {@link ToolMemoryId} LangChain4j
 * passes (with a {@code chatMemoryProvider} and a {@code @MemoryId} parameter, one per user or
 * chat), and without a memory id all calls share one default conversation. The sandbox is created
 * on the first call, kept between calls and closed when the conversation ends ({@link
 * TenkiLangChain4j#endConversation(Object)}), after idle time, or on {@link
 * TenkiLangChain4j#close()}.
 *
 * <p>The methods only convert their parameters to the toolkit's arguments and return its result:
 * the names, descriptions and parameter documentation are the catalog's, checked against it when
 * {@link TenkiLangChain4j#sandboxTools()} hands this object out. They describe the standard tool
 * set with the toolkit's default limits (a command timeout of 120 s by default, at most 1800 s). A
 * read-only or otherwise reduced set, the power-user set, or other limits change what the model
 * must be told, so those are offered by {@link TenkiLangChain4j#toolProvider()}, which builds the
 * tools from the live catalog.
 *
 * <p>Results come back as {@link Content}: the result's text (exit code, stdout and stderr,
 * truncation notes, and for failures a short message saying what to do) and, for models that accept
 * them, images (see {@link ImageMode}). Failures are text for the model, never exceptions.
 * Arguments LangChain4j itself cannot convert (a string where a number belongs) fail before a
 * method runs; {@link TenkiLangChain4j#toolArgumentsErrorHandler()} returns those to the model too.
 *
 * <pre>{@code
 * try (TenkiLangChain4j tenki = TenkiLangChain4j.builder().build()) {
 *   Assistant assistant = AiServices.builder(Assistant.class)
 *       .chatModel(model)
 *       .chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(30))
 *       .tools(tenki.sandboxTools())
 *       .toolArgumentsErrorHandler(tenki.toolArgumentsErrorHandler())
 *       .build();
 *   assistant.chat("alice", "Plot sin(x) with matplotlib");
 * }
 * }</pre>
 *
 * <p>Thread-safe; calls for one memory id may run concurrently.
 */
public final class TenkiSandboxTools {

  /** The values of {@code read_file}'s {@code encoding}: the constants are what the model sends. */
  public enum ReadEncoding {
    auto,
    text,
    base64
  }

  /**
   * The values of {@code write_file}'s {@code encoding}: the constants are what the model sends.
   */
  public enum WriteEncoding {
    text,
    base64
  }

  private final ToolCalls calls;

  TenkiSandboxTools(ToolCalls calls) {
    this.calls = calls;
  }

  @Tool(
      name = ToolNames.RUN_CODE,
      value =
          "Run a snippet of code in the sandbox and return its exit code, stdout and stderr"
              + " (separately). The sandbox persists between calls: files, installed packages and"
              + " the working directory /home/tenki stay. Each call is a new process, so variables"
              + " do not carry over; save state to files. Images (PNG, JPEG, GIF, SVG, WebP) the"
              + " code writes to $TENKI_OUTPUT_DIR (/home/tenki/output) are returned as images."
              + " Long output is cut in the middle; the full text is saved to a file you can page"
              + " through with read_file.")
  public List<Content> runCode(
      @ToolMemoryId Object memoryId,
      InvocationContext context,
      @P(
              name = "language",
              value =
                  "Interpreter: python, javascript (Node.js), typescript (tsx), bash or sh; c,"
                      + " cpp, rust (compiled, then run), go (go run) or java (one source file);"
                      + " any other interpreter installed in the sandbox (ruby, perl, ...) is tried"
                      + " by name.")
          String language,
      @P(name = "code", value = "The source code to run.") String code,
      @P(name = "timeout_seconds", value = TIMEOUT, required = false) Long timeoutSeconds) {
    return call(
        memoryId,
        context,
        ToolNames.RUN_CODE,
        "language",
        language,
        "code",
        code,
        "timeout_seconds",
        timeoutSeconds);
  }

  @Tool(
      name = ToolNames.RUN_COMMAND,
      value =
          "Run a command in the sandbox (Linux, user tenki, home /home/tenki) and return its exit"
              + " code, stdout and stderr separately. Pass either `command`, a shell command line"
              + " run by bash (pipes, &&, redirects work), or `argv`, the program and its"
              + " arguments without shell parsing. A non-zero exit code is a normal result, not a"
              + " failure of the tool. For servers and other long-running programs set"
              + " `background` to true: the call returns at once with a process_id; read its"
              + " output with read_process_output and stop it with stop_process. Long output is"
              + " cut in the middle; the full text is saved to a file you can page through with"
              + " read_file.")
  public List<Content> runCommand(
      @ToolMemoryId Object memoryId,
      InvocationContext context,
      @P(name = "command", value = "A shell command line, run with bash.", required = false)
          String command,
      @P(
              name = "argv",
              value =
                  "The program and its arguments, run without a shell. Use instead of `command`.",
              required = false)
          List<String> argv,
      @P(
              name = "cwd",
              value =
                  "Working directory, relative to /home/tenki or absolute. Default /home/tenki.",
              required = false)
          String cwd,
      @P(name = "env", value = "Extra environment variables.", required = false)
          Map<String, String> env,
      @P(name = "timeout_seconds", value = TIMEOUT, required = false) Long timeoutSeconds,
      @P(name = "stdin", value = "Text written to the process's standard input.", required = false)
          String stdin,
      @P(
              name = "background",
              value =
                  "Start the process and return immediately with a process_id instead of waiting"
                      + " for it to exit. The timeout does not apply; the process runs until it"
                      + " exits, is stopped or the sandbox ends.",
              required = false)
          Boolean background) {
    return call(
        memoryId,
        context,
        ToolNames.RUN_COMMAND,
        "command",
        command,
        "argv",
        argv,
        "cwd",
        cwd,
        "env",
        env,
        "timeout_seconds",
        timeoutSeconds,
        "stdin",
        stdin,
        "background",
        background);
  }

  @Tool(
      name = ToolNames.READ_PROCESS_OUTPUT,
      value =
          "Return the output a background process (started with run_command and background:"
              + " true) has written since the last read, and whether it is still running.")
  public List<Content> readProcessOutput(
      @ToolMemoryId Object memoryId,
      InvocationContext context,
      @P(name = "process_id", value = PROCESS_ID) String processId,
      @P(
              name = "wait_seconds",
              value =
                  "Wait up to this many seconds for the process to exit or write more output"
                      + " before answering. Default 0.",
              required = false)
          Long waitSeconds) {
    return call(
        memoryId,
        context,
        ToolNames.READ_PROCESS_OUTPUT,
        "process_id",
        processId,
        "wait_seconds",
        waitSeconds);
  }

  @Tool(
      name = ToolNames.STOP_PROCESS,
      value =
          "Stop a background process and everything it started (SIGTERM, then SIGKILL after a"
              + " grace period) and return its last output and exit status.")
  public List<Content> stopProcess(
      @ToolMemoryId Object memoryId,
      InvocationContext context,
      @P(name = "process_id", value = PROCESS_ID) String processId) {
    return call(memoryId, context, ToolNames.STOP_PROCESS, "process_id", processId);
  }

  @Tool(
      name = ToolNames.READ_FILE,
      value =
          "Read a file from the sandbox. Text comes back as text (optionally a range of lines),"
              + " images as images, other binary data as base64. Large files are cut to fit; use"
              + " start_line/end_line (text) or byte_offset/byte_length (any file) to page through"
              + " them.")
  public List<Content> readFile(
      @ToolMemoryId Object memoryId,
      InvocationContext context,
      @P(name = "path", value = FILE_PATH) String path,
      @P(name = "start_line", value = "First line to return (1-based).", required = false)
          Long startLine,
      @P(name = "end_line", value = "Last line to return (inclusive).", required = false)
          Long endLine,
      @P(name = "byte_offset", value = "Start reading at this byte offset.", required = false)
          Long byteOffset,
      @P(name = "byte_length", value = "Read at most this many bytes.", required = false)
          Long byteLength,
      @P(
              name = "encoding",
              value =
                  "auto (default: text if the bytes are UTF-8, an image if they are one, else"
                      + " base64), text or base64.",
              required = false)
          ReadEncoding encoding) {
    return call(
        memoryId,
        context,
        ToolNames.READ_FILE,
        "path",
        path,
        "start_line",
        startLine,
        "end_line",
        endLine,
        "byte_offset",
        byteOffset,
        "byte_length",
        byteLength,
        "encoding",
        encoding);
  }

  @Tool(
      name = ToolNames.WRITE_FILE,
      value =
          "Create or overwrite a file in the sandbox (parent directories are created). Use"
              + " append to add to the end instead, and base64 encoding for binary content.")
  public List<Content> writeFile(
      @ToolMemoryId Object memoryId,
      InvocationContext context,
      @P(name = "path", value = FILE_PATH) String path,
      @P(name = "content", value = "The content to write.") String content,
      @P(name = "encoding", value = "text (default) or base64.", required = false)
          WriteEncoding encoding,
      @P(
              name = "append",
              value = "Append to the file instead of replacing it. Default false.",
              required = false)
          Boolean append) {
    return call(
        memoryId,
        context,
        ToolNames.WRITE_FILE,
        "path",
        path,
        "content",
        content,
        "encoding",
        encoding,
        "append",
        append);
  }

  @Tool(
      name = ToolNames.EDIT_FILE,
      value =
          "Replace an exact piece of text in a file. old_text must match the file exactly"
              + " (whitespace and indentation included) and, unless replace_all is true, exactly"
              + " once; include a few surrounding lines to make it unique. Prefer this to"
              + " rewriting a whole file.")
  public List<Content> editFile(
      @ToolMemoryId Object memoryId,
      InvocationContext context,
      @P(name = "path", value = FILE_PATH) String path,
      @P(name = "old_text", value = "The exact text to replace.") String oldText,
      @P(name = "new_text", value = "The text to put in its place.") String newText,
      @P(
              name = "replace_all",
              value = "Replace every occurrence instead of requiring exactly one. Default false.",
              required = false)
          Boolean replaceAll) {
    return call(
        memoryId,
        context,
        ToolNames.EDIT_FILE,
        "path",
        path,
        "old_text",
        oldText,
        "new_text",
        newText,
        "replace_all",
        replaceAll);
  }

  @Tool(
      name = ToolNames.LIST_FILES,
      value =
          "List a directory of the sandbox with types and sizes; a depth above 1 lists the"
              + " subdirectories too.")
  public List<Content> listFiles(
      @ToolMemoryId Object memoryId,
      InvocationContext context,
      @P(
              name = "path",
              value = "Directory, relative to /home/tenki. Default /home/tenki.",
              required = false)
          String path,
      @P(name = "depth", value = "How many levels to descend. Default 1.", required = false)
          Long depth,
      @P(
              name = "include_hidden",
              value = "Include entries whose names start with a dot. Default false.",
              required = false)
          Boolean includeHidden) {
    return call(
        memoryId,
        context,
        ToolNames.LIST_FILES,
        "path",
        path,
        "depth",
        depth,
        "include_hidden",
        includeHidden);
  }

  @Tool(
      name = ToolNames.EXPOSE_PORT,
      value =
          "Make a TCP port the sandbox listens on reachable at a public preview URL (HTTP and"
              + " WebSocket). Start the server first (run_command with background: true), bound"
              + " to 0.0.0.0; the tool checks that something listens on the port and says so if"
              + " not.")
  public List<Content> exposePort(
      @ToolMemoryId Object memoryId,
      InvocationContext context,
      @P(name = "port", value = "The port inside the sandbox.") Long port,
      @P(
              name = "ttl_minutes",
              value = "How long the preview URL stays valid. Default: as long as the sandbox.",
              required = false)
          Long ttlMinutes) {
    return call(memoryId, context, ToolNames.EXPOSE_PORT, "port", port, "ttl_minutes", ttlMinutes);
  }

  @Tool(
      name = ToolNames.SANDBOX_STATUS,
      value =
          "Show the sandbox's state, its time left before it is shut down, its resources,"
              + " background processes and exposed ports.")
  public List<Content> sandboxStatus(@ToolMemoryId Object memoryId, InvocationContext context) {
    return call(memoryId, context, ToolNames.SANDBOX_STATUS);
  }

  @Tool(
      name = ToolNames.EXTEND_SANDBOX,
      value =
          "Give the sandbox more time before it is shut down (its files and processes are lost"
              + " then). Check the time left with sandbox_status.")
  public List<Content> extendSandbox(
      @ToolMemoryId Object memoryId,
      InvocationContext context,
      @P(name = "minutes", value = "Minutes to add, at most 60 per call.") Long minutes) {
    return call(memoryId, context, ToolNames.EXTEND_SANDBOX, "minutes", minutes);
  }

  @Tool(
      name = ToolNames.RESTART_SANDBOX,
      value =
          "End every process in the sandbox, background and runaway ones included, and start it"
              + " again; files and installed packages stay. Use it when commands cannot start or"
              + " hang because of processes left running (the sandbox's process limit reached, a"
              + " fork loop, a server that does not stop).")
  public List<Content> restartSandbox(@ToolMemoryId Object memoryId, InvocationContext context) {
    return call(memoryId, context, ToolNames.RESTART_SANDBOX);
  }

  // Parameter documentation shared by several tools (the catalog's wording).
  private static final String TIMEOUT =
      "Seconds before the process (and everything it started) is killed and its partial output"
          + " returned. Default 120, at most 1800.";
  private static final String PROCESS_ID = "The process_id run_command returned.";
  private static final String FILE_PATH =
      "File path, relative to /home/tenki or absolute inside it.";

  /** Calls the toolkit with the non-null pairs of {@code namesAndValues} as arguments. */
  private List<Content> call(
      Object memoryId, InvocationContext context, String tool, Object... namesAndValues) {
    Map<String, Object> args = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      Object value = namesAndValues[i + 1];
      if (value != null) {
        args.put((String) namesAndValues[i], value instanceof Enum<?> e ? e.name() : value);
      }
    }
    return calls.contents(calls.call(memoryId, tool, args), context);
  }
}
