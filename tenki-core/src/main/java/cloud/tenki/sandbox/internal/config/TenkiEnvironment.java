package cloud.tenki.sandbox.internal.config;

import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Function;

/**
 * The one place the SDK reads environment variables, from a source that tests replace with a map.
 */
public final class TenkiEnvironment {
  public static final String AUTH_TOKEN = "TENKI_AUTH_TOKEN";
  public static final String API_KEY = "TENKI_API_KEY";
  public static final String API_ENDPOINT = "TENKI_API_ENDPOINT";
  public static final String API_URL = "TENKI_API_URL";
  public static final String GATEWAY_URL = "TENKI_SANDBOX_GATEWAY_URL";

  private final Function<String, String> source;

  private TenkiEnvironment(Function<String, String> source) {
    this.source = source;
  }

  /** The process environment. */
  public static TenkiEnvironment system() {
    return new TenkiEnvironment(System::getenv);
  }

  /** A fixed map instead of the process environment. */
  public static TenkiEnvironment of(Map<String, String> vars) {
    Map<String, String> copy = Map.copyOf(vars);
    return new TenkiEnvironment(copy::get);
  }

  /** The trimmed value of {@code name}, empty when unset or blank. */
  public Optional<String> get(String name) {
    Objects.requireNonNull(name, "name");
    String v = source.apply(name);
    return v == null || v.isBlank() ? Optional.empty() : Optional.of(v.trim());
  }
}
