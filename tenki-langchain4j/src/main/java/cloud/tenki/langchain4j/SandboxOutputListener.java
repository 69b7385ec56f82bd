package cloud.tenki.langchain4j;

/**
 * Receives a command's output while it runs ({@code run_command} and {@code run_code} in the
 * foreground), for progress reporting: a UI that shows a build scrolling by, a log.
 *
 * <p>Calls for one tool call come one at a time, in order, from an SDK thread: return quickly,
 * since a slow listener slows the command down. An exception thrown here is logged and otherwise
 * ignored. The listener sees all output, also what the output budget leaves out of the model's
 * result.
 *
 * <pre>{@code
 * TenkiLangChain4j tenki = TenkiLangChain4j.builder()
 *     .outputListener((memoryId, tool, stream, text) -> ui.append(memoryId, text))
 *     .build();
 * }</pre>
 */
@FunctionalInterface
public interface SandboxOutputListener {

  /**
   * Called with the next piece of output.
   *
   * @param memoryId the chat memory id the call belongs to ({@code "default"} without one)
   * @param toolName the tool that runs the command
   * @param stream {@code "stdout"} or {@code "stderr"}
   * @param text decoded UTF-8 text, never empty
   */
  void onOutput(Object memoryId, String toolName, String stream, String text);
}
