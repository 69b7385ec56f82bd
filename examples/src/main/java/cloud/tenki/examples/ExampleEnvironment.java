package cloud.tenki.examples;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place the examples read environment variables, from a source tests replace with a map.
 *
 * <p>Variables: {@code OPENAI_API_KEY} and {@code ANTHROPIC_API_KEY} (a real model instead of the
 * scripted one, see {@link Models}), {@code OPENAI_MODEL} and {@code ANTHROPIC_MODEL} (which model
 * of that provider), and the Tenki variables the SDK reads ({@link #tenkiVariables()}), handed to
 * it as a map. Immutable and thread-safe.
 */
public final class ExampleEnvironment {
  public static final String OPENAI_API_KEY = "OPENAI_API_KEY";
  public static final String OPENAI_MODEL = "OPENAI_MODEL";
  public static final String ANTHROPIC_API_KEY = "ANTHROPIC_API_KEY";
  public static final String ANTHROPIC_MODEL = "ANTHROPIC_MODEL";

  /** What the Tenki SDK reads: credentials, endpoint and SSH gateway. */
  static final java.util.List<String> TENKI_VARIABLES =
      java.util.List.of(
          "TENKI_AUTH_TOKEN",
          "TENKI_API_KEY",
          "TENKI_API_ENDPOINT",
          "TENKI_API_URL",
          "TENKI_SANDBOX_GATEWAY_URL");

  private final Function<String, String> source;

  private ExampleEnvironment(Function<String, String> source) {
    this.source = source;
  }

  /** The process environment. */
  public static ExampleEnvironment system() {
    return new ExampleEnvironment(System::getenv);
  }

  /** A fixed map instead of the process environment. */
  public static ExampleEnvironment of(Map<String, String> vars) {
    Map<String, String> copy = Map.copyOf(vars);
    return new ExampleEnvironment(copy::get);
  }

  /** The Tenki SDK's variables that are set, for {@code TenkiClient.Builder.environment(Map)}. */
  public Map<String, String> tenkiVariables() {
    Map<String, String> set = new java.util.LinkedHashMap<>();
    for (String name : TENKI_VARIABLES) {
      get(name).ifPresent(v -> set.put(name, v));
    }
    return Map.copyOf(set);
  }

  /** The trimmed value of {@code name}; empty when unset or blank. */
  public Optional<String> get(String name) {
    String v = source.apply(Objects.requireNonNull(name, "name"));
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }
}
