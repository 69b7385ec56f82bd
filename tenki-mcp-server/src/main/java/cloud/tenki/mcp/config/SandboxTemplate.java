package cloud.tenki.mcp.config;

import java.time.Duration;
import java.util.Map;
import java.util.Objects;

/**
 * The shape of each conversation's sandbox, handed to the toolkit.
 *
 * @param cpus virtual CPUs (1-64)
 * @param memoryMib memory in MiB (128 MiB to 256 GiB)
 * @param env environment variables set in the sandbox
 * @param lifetime how long a sandbox lives before it must be extended
 * @param network whether sandboxes may open connections out to the network
 */
public record SandboxTemplate(
    int cpus, long memoryMib, Map<String, String> env, Duration lifetime, boolean network) {

  public SandboxTemplate {
    Checks.range(cpus, 1, 64, "sandbox cpus");
    Checks.range(memoryMib, 128, 256 * 1024, "sandbox memory (MiB)");
    env = Map.copyOf(Objects.requireNonNull(env, "env"));
    env.keySet().forEach(SandboxTemplate::checkName);
    Checks.positive(lifetime, "sandbox lifetime");
  }

  private static void checkName(String name) {
    if (!name.matches("[A-Za-z_][A-Za-z0-9_]*")) {
      throw new IllegalArgumentException("sandbox env: '" + name + "' is not a variable name");
    }
  }
}
