package cloud.tenki.sandbox.agent;

/** How stdout and stderr appear in results: the same for every tool that returns them. */
final class CommandOutput {
  private CommandOutput() {}

  /**
   * Adds the {@code stdout}/{@code stderr} fields, flags and files, and the text sections (or "(no
   * output)").
   */
  static void sections(
      ResultBuilder r,
      HeadTailBuffer.Rendered out,
      HeadTailBuffer.Rendered err,
      String outFile,
      String errFile) {
    sections(r, out.text(), out.truncated(), outFile, err.text(), err.truncated(), errFile);
  }

  /**
   * As above; terminal control sequences are removed (see {@link TerminalEscapes}), and binary
   * lines are replaced by a marker (see {@link BinaryRuns}) and flag a cut.
   */
  static void sections(
      ResultBuilder r,
      String rawOut,
      boolean outTruncated,
      String outFile,
      String rawErr,
      boolean errTruncated,
      String errFile) {
    String plainOut = TerminalEscapes.strip(rawOut);
    String plainErr = TerminalEscapes.strip(rawErr);
    String out = BinaryRuns.collapse(plainOut);
    String err = BinaryRuns.collapse(plainErr);
    r.put("stdout", out).put("stderr", err);
    r.put("stdout_truncated", outTruncated || !out.equals(plainOut));
    r.put("stderr_truncated", errTruncated || !err.equals(plainErr));
    r.put("stdout_file", outFile);
    r.put("stderr_file", errFile);
    if (!out.isEmpty()) {
      r.section("stdout", out);
    }
    if (!err.isEmpty()) {
      r.section("stderr", err);
    }
    if (out.isEmpty() && err.isEmpty()) {
      r.line("(no output)");
    }
  }
}
