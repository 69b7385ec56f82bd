package cloud.tenki.mcp.config;

/**
 * How the toolkit reaches Tenki: a token and endpoint for the cloud, or neither for the embedded
 * local engine.
 *
 * @param token API token, or {@code null} for the local engine
 * @param endpoint API base URL, or {@code null} for the default
 */
public record TenkiConnection(Secret token, String endpoint) {

  public TenkiConnection {
    if (endpoint != null && !endpoint.matches("(https?|inprocess)://\\S+|local")) {
      throw new IllegalArgumentException(
          "endpoint must be an http(s):// URL, inprocess://name or local but was " + endpoint);
    }
  }

  /** Whether no token is configured, so the embedded local engine is used. */
  public boolean usesLocalEngine() {
    return token == null;
  }
}
