package cloud.tenki.mcp.tool;

/**
 * What a running tool call can do besides returning its result: stream progress, log to the client,
 * and learn that it was cancelled.
 *
 * <p>Progress and log messages go to the client that made the call (in HTTP, on that request's
 * event stream). Messages the client did not ask for are dropped cheaply: progress without a
 * progress token, log messages below the level set with {@code logging/setLevel}. All methods are
 * thread-safe and never throw; none of them block on a slow client for long.
 *
 * <p>Example, a command that streams its output and stops when cancelled:
 *
 * <pre>{@code
 * try (CallContext.Registration r = context.onCancel(process::destroyForcibly)) {
 *   for (String line : lines(process)) {
 *     context.progress(line);
 *   }
 * }
 * }</pre>
 */
public interface CallContext {

  /** Whether the client asked for progress on this call (it sent a progress token). */
  boolean progressRequested();

  /**
   * Reports streamed output (or any status text): sent as {@code notifications/progress} whose
   * {@code message} is the text and whose {@code progress} counts up by one per report. Long texts
   * are shortened; a call's total progress text is capped, after which one note says so and later
   * reports are dropped.
   */
  void progress(String message);

  /**
   * Reports progress as amount done, with an optional total ({@code total <= 0} means unknown).
   * Reports whose {@code progress} does not increase are dropped, as the protocol requires.
   */
  void progress(double progress, double total, String message);

  /** Sends {@code notifications/message} if {@code level} passes the client's log level. */
  void log(LogLevel level, String message);

  /** Whether the client cancelled this call (or the server is shutting the conversation down). */
  boolean isCancelled();

  /**
   * Runs {@code action} once when the call is cancelled; at once (on this thread) if it already
   * was. Use it to kill remote work. Actions run on the thread that delivered the cancellation and
   * must be quick. Besides this, the calling thread is interrupted.
   *
   * @return closing the registration removes the action (when the call completes normally)
   */
  Registration onCancel(Runnable action);

  /** Removes a cancellation action; closing twice is harmless. */
  interface Registration extends AutoCloseable {
    @Override
    void close();
  }
}
