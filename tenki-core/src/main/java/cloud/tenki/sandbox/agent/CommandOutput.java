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
   * As above; terminal control sequences are removed (see {@link TerminalEscapes}), lines rewritten
   * with carriage returns show their last state (see {@link CarriageReturns}), and binary lines are
   * replaced by a marker (see {@link BinaryRuns}) and flag a cut.
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
    String textOut = BinaryRuns.collapse(plainOut);
    String textErr = BinaryRuns.collapse(plainErr);
    String out = CarriageReturns.collapse(textOut);
    String err = CarriageReturns.collapse(textErr);
    r.put("stdout", out).put("stderr", err);
    r.put("stdout_truncated", outTruncated || !textOut.equals(plainOut));
    r.put("stderr_truncated", errTruncated || !textErr.equals(plainErr));
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
