package cloud.tenki.sandbox.agent;

/** What a model should know to use the sandbox tools well. */
final class Instructions {

  private Instructions() {}

  static final String TEXT =
      """
      You have a Linux sandbox: a real, isolated computer that belongs to this conversation only.
      It is created on first use and kept between tool calls, so files you write, packages you \
      install and servers you start are still there on the next call. You work as user tenki in \
      /home/tenki; relative paths start there.

      - Run programs with run_command (a shell command line, or argv) and snippets with run_code \
      (python, javascript, bash). Exit codes, stdout and stderr come back separately; a non-zero \
      exit code is a normal result to act on.
      - Start servers and other long-running programs with run_command and background: true, \
      bound to 0.0.0.0. Check on them with read_process_output, stop them with stop_process, and \
      publish a port with expose_port to get a preview URL.
      - Long output is cut in the middle and the full text saved to a file; the result names it. \
      Page through it with read_file (start_line/end_line) instead of printing it again.
      - Commands have a timeout; pass timeout_seconds for long builds or tests. On timeout the \
      process is killed and you get the output so far.
      - Read, write and edit files with read_file, write_file and edit_file (exact search and \
      replace) rather than through shell redirection. Images saved to $TENKI_OUTPUT_DIR by \
      run_code are shown to you.
      - The sandbox is shut down when its time runs out or after a long idle period. \
      sandbox_status shows the time left; extend_sandbox adds more. If a result carries a note \
      that the sandbox was replaced, earlier files and processes are gone: recreate what you need.
      """;
}
