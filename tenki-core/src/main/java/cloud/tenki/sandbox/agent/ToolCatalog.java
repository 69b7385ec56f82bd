package cloud.tenki.sandbox.agent;

import static cloud.tenki.sandbox.agent.ToolSpec.Parameter.optional;
import static cloud.tenki.sandbox.agent.ToolSpec.Parameter.required;

import cloud.tenki.sandbox.agent.ToolSpec.Parameter;
import cloud.tenki.sandbox.agent.ToolSpec.Type;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The sandbox tools, defined once for every face.
 *
 * <p>A catalog is built from the limits a deployment enforces (default and maximum command timeout,
 * the longest extension) so that what the model reads matches what the toolkit does. {@link
 * #select(ToolSelection)} gives the subset a face should offer.
 *
 * <p>Immutable and thread-safe.
 */
public final class ToolCatalog {

  private final Map<String, ToolSpec> tools;
  private final String instructions;

  private ToolCatalog(List<ToolSpec> specs, String instructions) {
    Map<String, ToolSpec> byName = new LinkedHashMap<>();
    for (ToolSpec spec : specs) {
      if (byName.put(spec.name(), spec) != null) {
        throw new IllegalStateException("duplicate tool " + spec.name());
      }
    }
    this.tools = Collections.unmodifiableMap(byName);
    this.instructions = instructions;
  }

  /**
   * The catalog for the given limits.
   *
   * @param defaultTimeout how long a command may run when the model names no timeout
   * @param maxTimeout the longest timeout a model may ask for
   * @param maxExtension the most a single {@code extend_sandbox} call adds
   */
  public static ToolCatalog create(
      Duration defaultTimeout, Duration maxTimeout, Duration maxExtension) {
    long defaultSeconds = defaultTimeout.toSeconds();
    long maxSeconds = maxTimeout.toSeconds();
    if (defaultSeconds < 1 || maxSeconds < defaultSeconds) {
      throw new IllegalArgumentException(
          "timeouts must satisfy 1 s <= defaultTimeout <= maxTimeout, got "
              + defaultTimeout
              + " and "
              + maxTimeout);
    }
    long maxMinutes = Math.max(1, maxExtension.toMinutes());
    List<ToolSpec> specs = new ArrayList<>();
    specs.add(runCode(defaultSeconds, maxSeconds));
    specs.add(runCommand(defaultSeconds, maxSeconds));
    specs.add(readProcessOutput());
    specs.add(stopProcess());
    specs.add(readFile());
    specs.add(writeFile());
    specs.add(editFile());
    specs.add(listFiles());
    specs.add(exposePort());
    specs.add(unexposePort());
    specs.add(sandboxStatus());
    specs.add(extendSandbox(maxMinutes));
    specs.add(restartSandbox());
    specs.add(resetSandbox());
    return new ToolCatalog(specs, Instructions.TEXT);
  }

  /** Every tool, in catalog order. */
  public List<ToolSpec> all() {
    return List.copyOf(tools.values());
  }

  /** The tool called {@code name}, or null. */
  public ToolSpec tool(String name) {
    return tools.get(name);
  }

  /** The tools {@code selection} enables, in catalog order. */
  public List<ToolSpec> select(ToolSelection selection) {
    Set<String> enabled = selection.enabledNames();
    List<ToolSpec> out = new ArrayList<>();
    for (ToolSpec spec : tools.values()) {
      if (enabled.contains(spec.name())) {
        out.add(spec);
      }
    }
    return out;
  }

  /**
   * Guidance for a model on using the sandbox well, suitable for an MCP server's {@code
   * instructions} or a system prompt.
   */
  public String instructions() {
    return instructions;
  }

  // ---------------------------------------------------------------------------------------------

  private static Parameter timeout(long defaultSeconds, long maxSeconds) {
    return optional(
            "timeout_seconds",
            Type.INTEGER,
            "Seconds before the process (and everything it started) is killed and its partial"
                + " output returned. Default "
                + defaultSeconds
                + ", at most "
                + maxSeconds
                + ".")
        .range(1, maxSeconds);
  }

  private static ToolSpec runCode(long defaultSeconds, long maxSeconds) {
    return new ToolSpec(
        ToolNames.RUN_CODE,
        "Run code",
        "Run a snippet of code in the sandbox and return its exit code, stdout and stderr"
            + " (separately). The sandbox persists between calls: files, installed packages and"
            + " the working directory /home/tenki stay. Each call is a new process, so variables"
            + " do not carry over; save state to files. Images (PNG, JPEG, GIF, SVG, WebP) the code"
            + " writes to $TENKI_OUTPUT_DIR (/home/tenki/output) are returned as images. Long"
            + " output is cut in the middle; the full text is saved to a file you can page"
            + " through with read_file.",
        List.of(
            required(
                "language",
                Type.STRING,
                "Interpreter: python, javascript (Node.js), typescript (tsx), bash or sh; c, cpp,"
                    + " rust (compiled, then run), go (go run) or java (one source file); any other"
                    + " interpreter installed in the sandbox (ruby, perl, ...) is tried by name."),
            required("code", Type.STRING, "The source code to run."),
            timeout(defaultSeconds, maxSeconds)),
        OutputSchemas.COMMAND_RESULT,
        new ToolAnnotations(false, true, false, true));
  }

  private static ToolSpec runCommand(long defaultSeconds, long maxSeconds) {
    return new ToolSpec(
        ToolNames.RUN_COMMAND,
        "Run a command",
        "Run a command in the sandbox (Linux, user tenki, home /home/tenki) and return its exit"
            + " code, stdout and stderr separately. Pass either `command`, a shell command line"
            + " run by bash (pipes, &&, redirects work), or `argv`, the program and its arguments"
            + " without shell parsing. A non-zero exit code is a normal result, not a failure of"
            + " the tool. For servers and other long-running programs set `background` to true:"
            + " the call returns at once with a process_id; read its output with"
            + " read_process_output and stop it with stop_process. Long output is cut in the"
            + " middle; the full text is saved to a file you can page through with read_file.",
        List.of(
            optional("command", Type.STRING, "A shell command line, run with bash."),
            optional(
                "argv",
                Type.STRING_ARRAY,
                "The program and its arguments, run without a shell. Use instead of `command`."),
            optional(
                "cwd",
                Type.STRING,
                "Working directory, relative to /home/tenki or absolute. Default /home/tenki."),
            optional("env", Type.STRING_MAP, "Extra environment variables."),
            timeout(defaultSeconds, maxSeconds),
            optional("stdin", Type.STRING, "Text written to the process's standard input."),
            optional(
                "background",
                Type.BOOLEAN,
                "Start the process and return immediately with a process_id instead of waiting"
                    + " for it to exit. The timeout does not apply; the process runs until it"
                    + " exits, is stopped or the sandbox ends.")),
        OutputSchemas.COMMAND_RESULT,
        new ToolAnnotations(false, true, false, true));
  }

  private static ToolSpec readProcessOutput() {
    return new ToolSpec(
        ToolNames.READ_PROCESS_OUTPUT,
        "Read background process output",
        "Return the output a background process (started with run_command and background:"
            + " true) has written since the last read, and whether it is still running.",
        List.of(
            required("process_id", Type.STRING, "The process_id run_command returned."),
            optional(
                    "wait_seconds",
                    Type.INTEGER,
                    "Wait up to this many seconds for the process to exit or write more"
                        + " output before answering. Default 0.")
                .range(0, 60)),
        OutputSchemas.PROCESS_OUTPUT,
        ToolAnnotations.readOnlyTool());
  }

  private static ToolSpec stopProcess() {
    return new ToolSpec(
        ToolNames.STOP_PROCESS,
        "Stop a background process",
        "Stop a background process and everything it started (SIGTERM, then SIGKILL after a"
            + " grace period) and return its last output and exit status.",
        List.of(required("process_id", Type.STRING, "The process_id run_command returned.")),
        OutputSchemas.PROCESS_OUTPUT,
        new ToolAnnotations(false, true, true, false));
  }

  private static ToolSpec readFile() {
    return new ToolSpec(
        ToolNames.READ_FILE,
        "Read a file",
        "Read a file from the sandbox. Text comes back as text (optionally a range of lines),"
            + " images as images, other binary data as base64. Large files are cut to fit; use"
            + " start_line/end_line (text) or byte_offset/byte_length (any file) to page through"
            + " them.",
        List.of(
            required(
                "path", Type.STRING, "File path, relative to /home/tenki or absolute inside it."),
            optional("start_line", Type.INTEGER, "First line to return (1-based).")
                .range(1, Integer.MAX_VALUE),
            optional("end_line", Type.INTEGER, "Last line to return (inclusive).")
                .range(1, Integer.MAX_VALUE),
            optional("byte_offset", Type.INTEGER, "Start reading at this byte offset.")
                .range(0, Long.MAX_VALUE),
            optional("byte_length", Type.INTEGER, "Read at most this many bytes.")
                .range(1, Long.MAX_VALUE),
            optional(
                    "encoding",
                    Type.STRING,
                    "auto (default: text if the bytes are UTF-8, an image if they are one,"
                        + " else base64), text or base64.")
                .oneOf("auto", "text", "base64")),
        OutputSchemas.READ_FILE,
        ToolAnnotations.readOnlyTool());
  }

  private static ToolSpec writeFile() {
    return new ToolSpec(
        ToolNames.WRITE_FILE,
        "Write a file",
        "Create or overwrite a file in the sandbox (parent directories are created). Use"
            + " append to add to the end instead, and base64 encoding for binary content.",
        List.of(
            required(
                "path", Type.STRING, "File path, relative to /home/tenki or absolute inside it."),
            required("content", Type.STRING, "The content to write."),
            optional("encoding", Type.STRING, "text (default) or base64.").oneOf("text", "base64"),
            optional(
                "append",
                Type.BOOLEAN,
                "Append to the file instead of replacing it. Default false.")),
        OutputSchemas.WRITE_FILE,
        new ToolAnnotations(false, true, false, false));
  }

  private static ToolSpec editFile() {
    return new ToolSpec(
        ToolNames.EDIT_FILE,
        "Edit a file",
        "Replace an exact piece of text in a file. old_text must match the file exactly"
            + " (whitespace and indentation included) and, unless replace_all is true, exactly"
            + " once; include a few surrounding lines to make it unique. Prefer this to"
            + " rewriting a whole file.",
        List.of(
            required(
                "path", Type.STRING, "File path, relative to /home/tenki or absolute inside it."),
            required("old_text", Type.STRING, "The exact text to replace."),
            required("new_text", Type.STRING, "The text to put in its place."),
            optional(
                "replace_all",
                Type.BOOLEAN,
                "Replace every occurrence instead of requiring exactly one. Default false.")),
        OutputSchemas.EDIT_FILE,
        new ToolAnnotations(false, true, false, false));
  }

  private static ToolSpec listFiles() {
    return new ToolSpec(
        ToolNames.LIST_FILES,
        "List files",
        "List a directory of the sandbox with types and sizes; a depth above 1 lists the"
            + " subdirectories too.",
        List.of(
            optional(
                "path", Type.STRING, "Directory, relative to /home/tenki. Default /home/tenki."),
            optional("depth", Type.INTEGER, "How many levels to descend. Default 1.").range(1, 10),
            optional(
                "include_hidden",
                Type.BOOLEAN,
                "Include entries whose names start with a dot. Default false.")),
        OutputSchemas.LIST_FILES,
        ToolAnnotations.readOnlyTool());
  }

  private static ToolSpec exposePort() {
    return new ToolSpec(
        ToolNames.EXPOSE_PORT,
        "Expose a port",
        "Make a TCP port the sandbox listens on reachable at a public preview URL (HTTP and"
            + " WebSocket). Start the server first (run_command with background: true), bound"
            + " to 0.0.0.0; the tool checks that something listens on the port and says so if"
            + " not.",
        List.of(
            required("port", Type.INTEGER, "The port inside the sandbox.").range(1, 65535),
            optional(
                    "ttl_minutes",
                    Type.INTEGER,
                    "How long the preview URL stays valid. Default: as long as the sandbox.")
                .range(1, 7 * 24 * 60)),
        OutputSchemas.EXPOSE_PORT,
        new ToolAnnotations(false, false, true, true));
  }

  private static ToolSpec unexposePort() {
    return new ToolSpec(
        ToolNames.UNEXPOSE_PORT,
        "Unexpose a port",
        "Withdraw a port's preview URL; the server in the sandbox keeps running.",
        List.of(required("port", Type.INTEGER, "The exposed port.").range(1, 65535)),
        OutputSchemas.UNEXPOSE_PORT,
        new ToolAnnotations(false, true, true, true));
  }

  private static ToolSpec sandboxStatus() {
    return new ToolSpec(
        ToolNames.SANDBOX_STATUS,
        "Sandbox status",
        "Show the sandbox's state, its time left before it is shut down, its resources,"
            + " background processes and exposed ports.",
        List.of(),
        OutputSchemas.SANDBOX_STATUS,
        ToolAnnotations.readOnlyTool());
  }

  private static ToolSpec extendSandbox(long maxMinutes) {
    return new ToolSpec(
        ToolNames.EXTEND_SANDBOX,
        "Extend the sandbox",
        "Give the sandbox more time before it is shut down (its files and processes are lost"
            + " then). Check the time left with sandbox_status.",
        List.of(
            required(
                    "minutes", Type.INTEGER, "Minutes to add, at most " + maxMinutes + " per call.")
                .range(1, maxMinutes)),
        OutputSchemas.SANDBOX_STATUS,
        new ToolAnnotations(false, false, false, false));
  }

  private static ToolSpec restartSandbox() {
    return new ToolSpec(
        ToolNames.RESTART_SANDBOX,
        "Restart the sandbox",
        "End every process in the sandbox, background and runaway ones included, and start it"
            + " again; files and installed packages stay. Use it when commands cannot start or"
            + " hang because of processes left running (the sandbox's process limit reached, a"
            + " fork loop, a server that does not stop).",
        List.of(),
        OutputSchemas.SANDBOX_STATUS,
        new ToolAnnotations(false, true, true, false));
  }

  private static ToolSpec resetSandbox() {
    return new ToolSpec(
        ToolNames.RESET_SANDBOX,
        "Reset the sandbox",
        "Throw the sandbox away and start a fresh one: every file, process and exposed port is"
            + " lost. Use only when the sandbox is broken beyond repair.",
        List.of(),
        OutputSchemas.SANDBOX_STATUS,
        new ToolAnnotations(false, true, false, false));
  }
}
