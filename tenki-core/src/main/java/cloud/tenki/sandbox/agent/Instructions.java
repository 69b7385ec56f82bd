package cloud.tenki.sandbox.agent;

import java.util.List;
import java.util.Set;

/** What a model should know to use the sandbox tools well. */
final class Instructions {

  private Instructions() {}

  private static final String INTRO =
      """
      You have a Linux sandbox: a real, isolated computer that belongs to this conversation only.
      It is created on first use and kept between tool calls, so files you write, packages you \
      install and servers you start are still there on the next call. You work as user tenki in \
      /home/tenki; relative paths start there.
      """;

  /** A piece of advice and the tools it is about (shown when any of them is offered). */
  private record Tip(String text, List<String> tools) {}

  private static final List<Tip> TIPS =
      List.of(
          new Tip(
              "Run programs with run_command (a shell command line, or argv) and snippets with"
                  + " run_code (python, javascript, bash). Exit codes, stdout and stderr come back"
                  + " separately; a non-zero exit code is a normal result to act on.",
              List.of(ToolNames.RUN_COMMAND, ToolNames.RUN_CODE)),
          new Tip(
              "Start servers and other long-running programs with run_command and background:"
                  + " true, bound to 0.0.0.0. Check on them with read_process_output, stop them"
                  + " with stop_process, and publish a port with expose_port to get a preview URL.",
              List.of(ToolNames.RUN_COMMAND)),
          new Tip(
              "Long output is cut in the middle and the full text saved to a file; the result"
                  + " names it. Page through it with read_file (start_line/end_line) instead of"
                  + " printing it again.",
              List.of(ToolNames.RUN_COMMAND, ToolNames.RUN_CODE, ToolNames.READ_FILE)),
          new Tip(
              "Commands have a timeout; pass timeout_seconds for long builds or tests. On timeout"
                  + " the process is killed and you get the output so far.",
              List.of(ToolNames.RUN_COMMAND, ToolNames.RUN_CODE)),
          new Tip(
              "Read, write and edit files with read_file, write_file and edit_file (exact search"
                  + " and replace) rather than through shell redirection. Images saved to"
                  + " $TENKI_OUTPUT_DIR by run_code are shown to you.",
              List.of(ToolNames.READ_FILE, ToolNames.WRITE_FILE, ToolNames.EDIT_FILE)),
          new Tip(
              "The sandbox is shut down when its time runs out or after a long idle period."
                  + " sandbox_status shows the time left; extend_sandbox adds more. If a result"
                  + " carries a note that the sandbox was replaced, earlier files and processes"
                  + " are gone: recreate what you need.",
              List.of(ToolNames.SANDBOX_STATUS, ToolNames.EXTEND_SANDBOX)),
          new Tip(
              "If commands stop starting or hang because of processes left running (a fork loop,"
                  + " forgotten servers), restart_sandbox ends every process and keeps the files.",
              List.of(ToolNames.RESTART_SANDBOX)));

  /** The full text, for every tool. */
  static final String TEXT = forTools(null);

  /** The introduction and the tips about the given tools (all tips when null). */
  static String forTools(Set<String> tools) {
    StringBuilder sb = new StringBuilder(INTRO).append('\n');
    for (Tip tip : TIPS) {
      if (tools == null || tip.tools().stream().anyMatch(tools::contains)) {
        sb.append("- ").append(tip.text()).append('\n');
      }
    }
    return sb.toString();
  }
}
