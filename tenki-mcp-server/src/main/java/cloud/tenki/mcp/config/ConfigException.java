package cloud.tenki.mcp.config;

/** A setting has an unusable value; the message names the option and environment variable. */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  public ConfigException(String message) {
    super(message);
  }
}
