package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.TenkiClient;
import java.time.Clock;
import java.time.Duration;

/**
 * The toolkit's configuration, fixed at build time; see {@link SandboxToolkit.Builder} for what
 * each value means and its default.
 */
record Settings(
    TenkiClient client,
    boolean ownsClient,
    SandboxTemplate template,
    ToolSelection selection,
    OutputBudget stdoutBudget,
    OutputBudget stderrBudget,
    Duration defaultTimeout,
    Duration maxTimeout,
    Duration maxExtension,
    Duration maxLifetime,
    Duration idleTimeout,
    IdleAction idleAction,
    int maxSandboxes,
    long spillCapBytes,
    Clock clock) {

  /** Where the toolkit keeps its own files in a sandbox (spilled output, code to run). */
  static final String TOOLKIT_DIR = "/home/tenki/.tenki";

  /** Where spilled output goes. */
  static final String SPILL_DIR = TOOLKIT_DIR + "/output";

  /** Where run_code writes the code it runs. */
  static final String CODE_DIR = TOOLKIT_DIR + "/code";

  /** {@code TENKI_OUTPUT_DIR}: images written here by run_code come back as images. */
  static final String OUTPUT_DIR = "/home/tenki/output";

  /** How long stop_process waits after SIGTERM before SIGKILL. */
  static final Duration STOP_GRACE = Duration.ofSeconds(5);

  /** Past its own timeout, how long a command may take to report its exit before it is killed. */
  static final Duration TIMEOUT_GRACE = Duration.ofSeconds(10);

  /** Whether the model has restart_sandbox, to end runaway processes with. */
  boolean canRestart() {
    return selection.enabledNames().contains(ToolNames.RESTART_SANDBOX);
  }
}
