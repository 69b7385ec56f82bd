package cloud.tenki.spi;

/**
 * A Tenki engine running inside this JVM, as started by {@link EmbeddedEngineProvider}.
 *
 * <p>The owner closes it; closing stops every sandbox the engine runs and releases its listeners.
 * {@link #close()} is idempotent and throws nothing checked.
 */
public interface EmbeddedEngine extends AutoCloseable {

  /**
   * The API base URL that reaches this engine: {@code inprocess://<name>} when it has no network
   * listener, otherwise an {@code http://} URL.
   */
  String endpoint();

  /** A bearer token this engine accepts on its control plane. */
  String token();

  @Override
  void close();
}
