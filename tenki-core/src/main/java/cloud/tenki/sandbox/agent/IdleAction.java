package cloud.tenki.sandbox.agent;

/**
 * What the toolkit does with a conversation's sandbox after it has been idle (no tool calls) for
 * the configured idle timeout.
 */
public enum IdleAction {
  /** Terminate it: nothing is kept; the next call starts a fresh sandbox and says so. */
  CLOSE,
  /**
   * Pause it: files are kept, processes stop; the next call resumes it and tells the model that
   * background processes were stopped.
   */
  PAUSE
}
