package cloud.tenki.sandbox;

/**
 * The lifecycle state of a sandbox.
 *
 * <pre>{@code
 * if (sandbox.info().state() == SandboxState.PAUSED) {
 *   sandbox.resume();
 * }
 * }</pre>
 */
public enum SandboxState {
  /** The server sent a state this SDK does not know. */
  UNKNOWN,
  /** Being provisioned. */
  CREATING,
  /** Running and accepting commands. */
  RUNNING,
  /** Being paused. */
  PAUSING,
  /** Paused: files kept, no processes; {@link Sandbox#resume()} brings it back. */
  PAUSED,
  /** Being resumed. */
  RESUMING,
  /** Being terminated. */
  TERMINATING,
  /** Terminated; gone for good. */
  TERMINATED,
  /** Shut down from inside the sandbox. */
  USER_SHUTDOWN;

  /** Whether the sandbox has ended and can never run again. */
  public boolean isTerminal() {
    return this == TERMINATED || this == USER_SHUTDOWN;
  }
}
