package cloud.tenki.sandbox.agent;

/**
 * Receives a command's output while it runs, for progress reporting (MCP progress notifications, a
 * LangChain4j callback, a UI). Only {@code run_command} and {@code run_code} in the foreground
 * report output.
 *
 * <p>Text is decoded UTF-8, cut only between characters; malformed bytes become U+FFFD; terminal
 * control sequences (colours) are removed, as in results. Calls for one tool call come one at a
 * time, in order, from an SDK thread: return quickly, since a slow listener slows the command down
 * rather than buffering its output. An exception thrown by the listener is logged and otherwise
 * ignored. The listener sees all output, also what the budget leaves out of the result.
 *
 * <pre>{@code
 * toolkit.call(key, "run_command", Map.of("command", "make"),
 *     new CallOptions((stream, text) -> progress.report(stream + ": " + text), null));
 * }</pre>
 */
@FunctionalInterface
public interface OutputListener {

  /**
   * Called with the next piece of output.
   *
   * @param stream {@code "stdout"} or {@code "stderr"}
   * @param text the decoded text, never empty
   */
  void onOutput(String stream, String text);
}
