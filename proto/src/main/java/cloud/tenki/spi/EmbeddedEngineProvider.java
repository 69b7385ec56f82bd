package cloud.tenki.spi;

import java.util.Map;

/**
 * Starts a Tenki engine inside the current JVM.
 *
 * <p>This is the seam between the SDK and the local engine: the engine module registers an
 * implementation with {@link java.util.ServiceLoader} ({@code
 * META-INF/services/cloud.tenki.spi.EmbeddedEngineProvider}) and the SDK asks for one when it is
 * told to use the local engine. Neither side depends on the other's classes.
 *
 * <p>Implementations must be thread-safe; every call to {@link #start} starts an independent
 * engine.
 */
public interface EmbeddedEngineProvider {

  /**
   * Starts an engine and returns once it accepts calls.
   *
   * @param settings engine settings by name (for example {@code state-dir} or {@code isolation});
   *     unknown names are rejected with {@link IllegalArgumentException}
   * @return the running engine, owned by the caller, who must close it
   */
  EmbeddedEngine start(Map<String, String> settings);
}
