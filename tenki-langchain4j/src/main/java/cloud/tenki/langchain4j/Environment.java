package cloud.tenki.langchain4j;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place this module reads environment variables, from a source tests replace with a map. It
 * only decides whether Tenki credentials or an endpoint are configured; the SDK resolves their
 * values itself from the same source.
 */
final class Environment {
  static final String AUTH_TOKEN = "TENKI_AUTH_TOKEN";
  static final String API_KEY = "TENKI_API_KEY";
  static final String API_ENDPOINT = "TENKI_API_ENDPOINT";
  static final String API_URL = "TENKI_API_URL";

  private final Function<String, String> source;
  private final Map<String, String> fixed;

  private Environment(Function<String, String> source, Map<String, String> fixed) {
    this.source = source;
    this.fixed = fixed;
  }

  /** The process environment. */
  static Environment system() {
    return new Environment(System::getenv, null);
  }

  /** A fixed map instead of the process environment. */
  static Environment of(Map<String, String> vars) {
    Map<String, String> copy = Map.copyOf(vars);
    return new Environment(copy::get, copy);
  }

  /** The trimmed value of {@code name}, empty when unset or blank. */
  Optional<String> get(String name) {
    String v = source.apply(Objects.requireNonNull(name, "name"));
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }

  /** Whether a Tenki token or an API endpoint is configured. */
  boolean configuresTenki() {
    return get(AUTH_TOKEN).isPresent()
        || get(API_KEY).isPresent()
        || get(API_ENDPOINT).isPresent()
        || get(API_URL).isPresent();
  }

  /** The fixed map this environment was made from, or null for the process environment. */
  Map<String, String> fixedOrNull() {
    return fixed;
  }
}
