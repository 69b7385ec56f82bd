package cloud.tenki.mcp.config;

import java.time.Duration;
import java.util.Objects;
import java.util.Set;

/**
 * What the sandbox toolkit behind the tools is told: which tools to offer, how much output to
 * return, how long calls may take, and the sandboxes it may create.
 *
 * @param readOnly offer only tools that change nothing
 * @param disabledTools tool names not to offer
 * @param stdoutBudgetChars characters of standard output returned per call (the rest is cut)
 * @param stderrBudgetChars characters of standard error returned per call
 * @param defaultTimeout time limit of a call that names none
 * @param maxTimeout the largest time limit a call may ask for
 * @param sandbox the shape of each conversation's sandbox
 * @param sandboxIdleTimeout idle time after which a conversation's sandbox is released
 * @param maxSandboxes sandboxes alive at once (one per active conversation)
 */
public record ToolkitSettings(
    boolean readOnly,
    Set<String> disabledTools,
    long stdoutBudgetChars,
    long stderrBudgetChars,
    Duration defaultTimeout,
    Duration maxTimeout,
    SandboxTemplate sandbox,
    Duration sandboxIdleTimeout,
    int maxSandboxes) {

  public ToolkitSettings {
    disabledTools = Set.copyOf(Objects.requireNonNull(disabledTools, "disabledTools"));
    Checks.range(stdoutBudgetChars, 256, 64L << 20, "stdout budget (chars)");
    Checks.range(stderrBudgetChars, 256, 64L << 20, "stderr budget (chars)");
    Checks.positive(defaultTimeout, "default timeout");
    Checks.positive(maxTimeout, "max timeout");
    if (defaultTimeout.compareTo(maxTimeout) > 0) {
      throw new IllegalArgumentException(
          "default timeout ("
              + defaultTimeout
              + ") must not exceed max timeout ("
              + maxTimeout
              + ")");
    }
    Objects.requireNonNull(sandbox, "sandbox");
    Checks.positive(sandboxIdleTimeout, "sandbox idle timeout");
    Checks.range(maxSandboxes, 1, 10_000, "max sandboxes");
  }
}
