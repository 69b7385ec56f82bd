package cloud.tenki.sandbox.internal.config;

import cloud.tenki.sandbox.ConfigurationException;
import cloud.tenki.sandbox.internal.transport.Endpoint;
import java.util.Optional;

/**
 * Resolves endpoint, token and gateway from explicit options and the environment, in the order the
 * other Tenki SDKs use.
 *
 * @param endpoint the API base URL or {@code local}
 * @param token the bearer token to send
 * @param gatewayUrl the SSH gateway URL if explicit or set in the environment
 */
public record ClientSettings(String endpoint, String token, Optional<String> gatewayUrl) {
  public static final String DEFAULT_ENDPOINT = "https://api.tenki.cloud";

  /** Sent where no token is needed; the local engine accepts any bearer. */
  public static final String LOCAL_PLACEHOLDER_TOKEN = "local";

  public static ClientSettings resolve(
      String explicitEndpoint,
      String explicitToken,
      String explicitGateway,
      boolean localEngine,
      TenkiEnvironment env) {
    String endpoint =
        localEngine
            ? Endpoint.LOCAL
            : firstNonBlank(explicitEndpoint)
                .or(() -> env.get(TenkiEnvironment.API_ENDPOINT))
                .or(() -> env.get(TenkiEnvironment.API_URL))
                .orElse(DEFAULT_ENDPOINT);
    Endpoint parsed = Endpoint.parseApi(endpoint);
    Optional<String> token =
        firstNonBlank(explicitToken)
            .or(() -> env.get(TenkiEnvironment.AUTH_TOKEN))
            .or(() -> env.get(TenkiEnvironment.API_KEY));
    if (token.isEmpty() && !parsed.isLocal()) {
      throw new ConfigurationException(missingTokenMessage(endpoint));
    }
    Optional<String> gateway =
        firstNonBlank(explicitGateway).or(() -> env.get(TenkiEnvironment.GATEWAY_URL));
    return new ClientSettings(endpoint, token.orElse(LOCAL_PLACEHOLDER_TOKEN), gateway);
  }

  static String missingTokenMessage(String endpoint) {
    return "No Tenki credentials for "
        + endpoint
        + ": pass token(...) to TenkiClient.builder(), or set "
        + TenkiEnvironment.AUTH_TOKEN
        + " or "
        + TenkiEnvironment.API_KEY
        + " (both were tried; neither is set). To run sandboxes on this machine without an"
        + " account, use the local engine: set "
        + TenkiEnvironment.API_ENDPOINT
        + "=local (or call TenkiClient.builder().localEngine()) with the artifact"
        + " cloud.tenki:tenki-engine on the class path, or start the standalone engine and set "
        + TenkiEnvironment.API_ENDPOINT
        + "=http://127.0.0.1:<port>.";
  }

  private static Optional<String> firstNonBlank(String value) {
    return value == null || value.isBlank() ? Optional.empty() : Optional.of(value.trim());
  }

  @Override
  public String toString() {
    // never print the token
    return "ClientSettings[endpoint=" + endpoint + ", gatewayUrl=" + gatewayUrl + "]";
  }
}
