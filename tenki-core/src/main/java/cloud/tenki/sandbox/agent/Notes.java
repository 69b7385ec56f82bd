package cloud.tenki.sandbox.agent;

import java.time.Duration;

/** The notes the toolkit adds to a result when something happened that the model must know. */
final class Notes {
  private Notes() {}

  /** How the notes about an ended sandbox go on: the call that reads them ran in a new one. */
  private static final String RAN_IN_A_NEW_SANDBOX = ", so this call ran in a new sandbox: files,";

  private static final String GONE =
      " installed packages and background processes from before are gone.";

  static final String LOST =
      "The sandbox this conversation used had ended (terminated, expired or lost)"
          + RAN_IN_A_NEW_SANDBOX
          + GONE;

  static final String RESUMED =
      "The sandbox had been paused while idle and was resumed: files are intact, but background"
          + " processes were stopped; restart any server you still need.";

  static final String LOST_DURING_CALL =
      " The sandbox ended during this call; the next call starts a new one (files and processes"
          + " from before are gone).";

  static String idleClosed(Duration idle) {
    return "The previous sandbox was shut down after "
        + Messages.duration(idle.toSeconds())
        + " without use"
        + RAN_IN_A_NEW_SANDBOX
        + GONE;
  }

  /**
   * A note about a sandbox that ended ({@link #LOST}, {@link #idleClosed}) reworded for the time
   * before the new sandbox exists (sandbox_status): the notes are written for the call that runs in
   * the new one.
   */
  static String beforeNewSandbox(String note) {
    return note.replace(RAN_IN_A_NEW_SANDBOX, "; its files,");
  }

  static String lifetimeEnding(Duration left) {
    return "The sandbox reaches its maximum lifetime in "
        + Messages.duration(Math.max(0, left.toSeconds()))
        + " and will then be shut down with everything in it; copy out what matters.";
  }
}
