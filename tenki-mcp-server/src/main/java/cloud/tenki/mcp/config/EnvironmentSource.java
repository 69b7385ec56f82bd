package cloud.tenki.mcp.config;

import java.util.Map;

/**
 * Where configuration reads environment variables. {@link #system()} is the only place in this
 * module that reads the process environment; tests pass a map instead.
 *
 * <pre>{@code
 * EnvironmentSource env = EnvironmentSource.of(Map.of("TENKI_MCP_PORT", "9000"));
 * }</pre>
 */
@FunctionalInterface
public interface EnvironmentSource {

  /** The variable's value, or {@code null} when it is not set. */
  String get(String name);

  /** The environment of this process. */
  static EnvironmentSource system() {
    return System::getenv;
  }

  /** A fixed environment. */
  static EnvironmentSource of(Map<String, String> variables) {
    Map<String, String> copy = Map.copyOf(variables);
    return copy::get;
  }
}
