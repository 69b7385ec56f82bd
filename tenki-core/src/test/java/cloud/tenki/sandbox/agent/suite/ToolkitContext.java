package cloud.tenki.sandbox.agent.suite;

import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.SandboxTemplate;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import java.util.Map;
import java.util.UUID;
import java.util.function.UnaryOperator;

/** What the behaviour interfaces need from the suite. */
public interface ToolkitContext {

  /** The client of the backend under test (to look at, or sabotage, sandboxes directly). */
  TenkiClient client();

  /** A toolkit with default settings; closed after the test. */
  default ToolkitHarness harness() {
    return harness(UnaryOperator.identity());
  }

  /** A toolkit configured by {@code config}; closed after the test. */
  default ToolkitHarness harness(UnaryOperator<SandboxToolkit.Builder> config) {
    return harness(config, UnaryOperator.identity());
  }

  /** A toolkit and template configured by the caller; closed after the test. */
  ToolkitHarness harness(
      UnaryOperator<SandboxToolkit.Builder> config,
      UnaryOperator<SandboxTemplate.Builder> template);

  /** A fresh conversation key. */
  default String key() {
    return "conversation-" + UUID.randomUUID();
  }

  /** {@code run_command} arguments for a shell command line. */
  static Map<String, Object> sh(String command) {
    return Map.of("command", command);
  }
}
