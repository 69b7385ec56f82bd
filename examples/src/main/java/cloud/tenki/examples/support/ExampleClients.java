package cloud.tenki.examples.support;

import cloud.tenki.examples.ExampleEnvironment;
import cloud.tenki.sandbox.TenkiClient;
import java.util.List;
import java.util.Map;

/**
 * The Tenki client the examples' {@code main} methods use: Tenki as the environment configures it,
 * else the embedded local engine, so the examples run without an account. The variables come from
 * {@link ExampleEnvironment}.
 *
 * <pre>{@code
 * try (TenkiClient client = ExampleClients.fromEnvironment()) { ... }
 * }</pre>
 */
public final class ExampleClients {
  static final List<String> SETTINGS =
      List.of("TENKI_AUTH_TOKEN", "TENKI_API_KEY", "TENKI_API_ENDPOINT", "TENKI_API_URL");

  private ExampleClients() {}

  /** A client for Tenki as configured by the environment, else for the local engine. */
  public static TenkiClient fromEnvironment() {
    return fromEnvironment(ExampleEnvironment.system().tenkiVariables());
  }

  static TenkiClient fromEnvironment(Map<String, String> env) {
    boolean configured =
        SETTINGS.stream().anyMatch(n -> env.get(n) != null && !env.get(n).isBlank());
    if (configured) {
      return TenkiClient.builder().environment(env).build();
    }
    System.err.println(
        "No Tenki credentials (TENKI_API_KEY or TENKI_AUTH_TOKEN) are set: sandboxes run on this"
            + " machine in the embedded local engine.");
    return TenkiClient.builder().environment(env).localEngine().build();
  }
}
