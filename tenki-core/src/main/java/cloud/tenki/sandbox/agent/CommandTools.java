package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.TenkiException;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/** {@code run_command} and {@code run_code}. */
final class CommandTools {
  private CommandTools() {}

  private static final Pattern INTERPRETER = Pattern.compile("[A-Za-z0-9][A-Za-z0-9._+-]{0,39}");

  /** Interpreters and file extensions of the languages known by name. */
  private static final Map<String, String[]> LANGUAGES =
      Map.ofEntries(
          Map.entry("python", new String[] {"python3", ".py"}),
          Map.entry("python3", new String[] {"python3", ".py"}),
          Map.entry("py", new String[] {"python3", ".py"}),
          Map.entry("javascript", new String[] {"node", ".js"}),
          Map.entry("js", new String[] {"node", ".js"}),
          Map.entry("node", new String[] {"node", ".js"}),
          Map.entry("nodejs", new String[] {"node", ".js"}),
          Map.entry("typescript", new String[] {"tsx", ".ts"}),
          Map.entry("ts", new String[] {"tsx", ".ts"}),
          Map.entry("bash", new String[] {"bash", ".sh"}),
          Map.entry("sh", new String[] {"sh", ".sh"}),
          Map.entry("shell", new String[] {"bash", ".sh"}),
          Map.entry("ruby", new String[] {"ruby", ".rb"}),
          Map.entry("perl", new String[] {"perl", ".pl"}),
          Map.entry("php", new String[] {"php", ".php"}),
          Map.entry("lua", new String[] {"lua", ".lua"}),
          Map.entry("r", new String[] {"Rscript", ".R"}),
          // compiled first (see RUN), then run
          Map.entry("c", new String[] {"cc", ".c"}),
          Map.entry("cpp", new String[] {"c++", ".cpp"}),
          Map.entry("c++", new String[] {"c++", ".cpp"}),
          Map.entry("cxx", new String[] {"c++", ".cpp"}),
          Map.entry("go", new String[] {"go", ".go"}),
          Map.entry("golang", new String[] {"go", ".go"}),
          Map.entry("rust", new String[] {"rustc", ".rs"}),
          Map.entry("rs", new String[] {"rustc", ".rs"}),
          // a single source file runs directly (the JDK's source launcher)
          Map.entry("java", new String[] {"java", ".java"}));

  /**
   * Stops with a plain message when the interpreter named by {@code $0} is not installed in the
   * sandbox (instead of a shell's "not found" from deep inside the launcher).
   */
  private static final String REQUIRE_INTERPRETER =
      "command -v \"$0\" >/dev/null 2>&1 || { case $0 in\n"
          + "  tsx) echo \"run_code: TypeScript runs with tsx, which is not installed in the"
          + " sandbox; install it with npm (npm install -g tsx) or use javascript\" >&2 ;;\n"
          // both install into the home directory, so they work without root
          + "  go) echo \"run_code: Go is not installed in the sandbox; install it without root from"
          + " the linux archive at https://go.dev/dl/ (tar -xzf go*.tar.gz -C ~/.local && mkdir -p"
          + " ~/.local/bin && ln -sf ~/.local/go/bin/go ~/.local/bin/) or use another language\""
          + " >&2 ;;\n"
          + "  rustc) echo \"run_code: Rust is not installed in the sandbox; install it without root"
          + " with rustup (curl -sSf https://sh.rustup.rs | sh -s -- -y --profile minimal) or use"
          + " another language\" >&2 ;;\n"
          + "  *) echo \"run_code: '$0' is not installed in the sandbox; install it with the system's"
          + " package manager if the sandbox gives you root (apt-get needs it) or use another"
          + " language\" >&2 ;;\n"
          + "esac; exit 127; }";

  /**
   * Runs the code file {@code $1} with the program named by {@code $0}: an interpreter runs it, a
   * C, C++ or Rust compiler builds it into a program beside it that then runs (a failed build ends
   * with the compiler's status and messages), {@code go} runs it with {@code go run}.
   */
  private static final String RUN =
      "case $0 in\n"
          + "  cc) cc -o \"${1%.*}\" \"$1\" -lm || exit; exec \"${1%.*}\" ;;\n"
          + "  c++|rustc) \"$0\" -o \"${1%.*}\" \"$1\" || exit; exec \"${1%.*}\" ;;\n"
          + "  go) exec go run \"$1\" ;;\n"
          + "  *) exec \"$0\" \"$1\" ;;\n"
          + "esac\n";

  /** Runs the code file {@code $1} with the program named by {@code $0} (see {@link #RUN}). */
  private static final String LAUNCH = REQUIRE_INTERPRETER + "\n" + RUN;

  /**
   * The one launch of a {@code run_code}: {@code $0} interpreter, {@code $1} code file, {@code $2}
   * code folder, {@code $3} output folder, {@code $4} file for the output folder's listing. Creates
   * the folders, writes the code from {@link OutputImages#SOURCE_VARIABLE} (then drops the
   * variable), lists the output folder, and execs the interpreter on the code.
   */
  static final String PREPARE_AND_RUN =
      "for _tenki_d in \"$2\" \"$3\"; do\n"
          + "  [ -d \"$_tenki_d\" ] || mkdir -p -- \"$_tenki_d\" || exit 125\n"
          + "done\n"
          + "unset _tenki_d\n"
          + "printf '%s' \"$"
          + OutputImages.SOURCE_VARIABLE
          + "\" > \"$1\" || { echo \"run_code: cannot write the code to $1\" >&2; exit 125; }\n"
          + "unset "
          + OutputImages.SOURCE_VARIABLE
          + "\n"
          + "find \"$3\""
          + OutputImages.FORMAT
          + " > \"$4\" 2>/dev/null\n"
          + REQUIRE_INTERPRETER
          + "\n"
          + RUN;

  /**
   * The longest command line passed as an argument of {@code bash -lc}: Linux refuses any single
   * argument of 128 KiB or more, so longer ones (big heredocs) run from a script file instead.
   */
  static final int MAX_INLINE_COMMAND = 100_000;

  /** Writes a command line too long for an argument to a script under the code folder. */
  private static String writeScript(Call call, String command) {
    try (Lease lease = call.lease()) {
      try {
        return writeCodeFile(lease, ".sh", command);
      } catch (TenkiException e) {
        throw call.failure("write the long command to a script file", e, lease);
      }
    }
  }

  /**
   * Writes {@code text} to the next numbered file under the code folder (created once per sandbox)
   * and returns its path. On failure the folder is no longer assumed to exist.
   */
  private static String writeCodeFile(Lease lease, String extension, String text) {
    try {
      return lease.first(
          live -> {
            live.ensureDir(Settings.CODE_DIR);
            String f = Settings.CODE_DIR + "/" + live.nextCode() + extension;
            live.sandbox.fs().writeText(f, text);
            return f;
          });
    } catch (TenkiException e) {
      lease.live().forgetDir(Settings.CODE_DIR);
      throw e;
    }
  }

  static ToolResult runCommand(Call call) {
    ToolArgs a = call.args;
    boolean hasCommand = a.has("command");
    if (hasCommand == a.has("argv")) {
      throw a.invalid(
          hasCommand
              ? "pass either `command` or `argv`, not both"
              : "pass `command` (a shell command line) or `argv` (the program and its arguments)");
    }
    List<String> argv;
    String shown;
    if (hasCommand) {
      shown = a.string("command");
      if (shown.isBlank()) {
        throw a.invalid("`command` must not be empty");
      }
      argv =
          HeadTailBuffer.utf8Length(shown) <= MAX_INLINE_COMMAND
              ? List.of("bash", "-lc", shown)
              : List.of("bash", "-l", writeScript(call, shown));
    } else {
      argv = a.strings("argv");
      if (argv.isEmpty() || argv.get(0).isEmpty()) {
        throw a.invalid("`argv` must start with the program to run");
      }
      shown = String.join(" ", argv);
    }
    boolean background = a.bool("background", false);
    // unbuffered Python output, so progress and servers' logs show up as they are written; no
    // editor for git, which would wait for a terminal until the timeout: `git commit` without -m
    // ends at once ("Aborting commit due to empty commit message")
    CommandPlan plan =
        CommandPlan.of(
            call,
            argv,
            shown,
            Map.of(
                "TENKI_OUTPUT_DIR",
                Settings.OUTPUT_DIR,
                "PYTHONUNBUFFERED",
                "1",
                "GIT_EDITOR",
                "true"));
    if (background) {
      return ProcessTools.start(call, plan);
    }
    try (Lease lease = call.lease(plan.timeout())) {
      return new Foreground(call, plan, null).run(lease);
    }
  }

  static ToolResult runCode(Call call) {
    ToolArgs a = call.args;
    String language = a.string("language").strip();
    String[] known = LANGUAGES.get(language.toLowerCase(Locale.ROOT));
    if (known == null && !INTERPRETER.matcher(language).matches()) {
      throw a.invalid(
          "`language` must be python, javascript, typescript, bash, sh, c, cpp, go, rust, java or"
              + " the name of an interpreter installed in the sandbox, got \""
              + language
              + "\"");
    }
    String interpreter = known != null ? known[0] : language;
    String extension = known != null ? known[1] : "." + language.toLowerCase(Locale.ROOT);
    String code = a.string("code");
    Map<String, String> env =
        Map.of(
            "TENKI_OUTPUT_DIR", Settings.OUTPUT_DIR,
            "PYTHONUNBUFFERED", "1",
            "GIT_EDITOR", "true",
            "MPLBACKEND", "Agg");
    try (Lease lease = call.lease(timeout(call))) {
      String file;
      OutputImages images;
      if (OutputImages.fitsInOneLaunch(code)) {
        // one launch writes the code, records the output folder and execs the interpreter
        file = Settings.CODE_DIR + "/" + lease.live().nextCode() + extension;
        images = OutputImages.recordedBy(file + OutputImages.LISTING_SUFFIX);
        List<String> argv =
            List.of(
                "sh",
                "-c",
                PREPARE_AND_RUN,
                interpreter,
                file,
                Settings.CODE_DIR,
                Settings.OUTPUT_DIR,
                images.listingFile());
        CommandPlan plan =
            OutputImages.withSource(
                CommandPlan.of(call, argv, interpreter + " " + file, env), code);
        return new Foreground(call, plan, images).run(lease);
      }
      images = OutputImages.listedThroughTheApi();
      try {
        file = writeCodeFile(lease, extension, code);
        images.snapshot(lease.live());
      } catch (TenkiException e) {
        lease.live().forgetDir(Settings.CODE_DIR);
        lease.live().forgetDir(Settings.OUTPUT_DIR);
        throw call.failure("write the code to a file", e, lease);
      }
      List<String> argv = List.of("sh", "-c", LAUNCH, interpreter, file);
      CommandPlan plan = CommandPlan.of(call, argv, interpreter + " " + file, env);
      return new Foreground(call, plan, images).run(lease);
    }
  }

  private static java.time.Duration timeout(Call call) {
    return java.time.Duration.ofSeconds(
        call.args.integer("timeout_seconds", call.settings.defaultTimeout().toSeconds()));
  }
}
