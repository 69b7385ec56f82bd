package cloud.tenki.sandbox.internal.engine;

import cloud.tenki.sandbox.ConfigurationException;
import cloud.tenki.spi.EmbeddedEngine;
import cloud.tenki.spi.EmbeddedEngineProvider;
import java.util.Iterator;
import java.util.Map;
import java.util.ServiceConfigurationError;
import java.util.ServiceLoader;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Finds the embedded engine through {@link ServiceLoader} and starts it. */
public final class EngineLauncher {
  private static final Logger log = LoggerFactory.getLogger(EngineLauncher.class);
  public static final String ARTIFACT = "cloud.tenki:tenki-engine";

  private EngineLauncher() {}

  public static EmbeddedEngine start(ClassLoader loader, Map<String, String> settings) {
    Iterator<EmbeddedEngineProvider> providers;
    try {
      providers = ServiceLoader.load(EmbeddedEngineProvider.class, loader).iterator();
      if (!providers.hasNext()) {
        throw new ConfigurationException(
            "The local engine was requested (endpoint 'local') but no engine is on the class"
                + " path: add the artifact "
                + ARTIFACT
                + " to your dependencies (runtime scope is enough), or start the standalone"
                + " engine and set TENKI_API_ENDPOINT to its http:// URL.");
      }
      EmbeddedEngineProvider provider = providers.next();
      if (providers.hasNext()) {
        log.warn("several embedded Tenki engines found; using {}", provider.getClass().getName());
      }
      EmbeddedEngine engine = provider.start(settings);
      log.debug("embedded engine started at {}", engine.endpoint());
      return engine;
    } catch (ServiceConfigurationError e) {
      throw new ConfigurationException(
          "The embedded engine from " + ARTIFACT + " could not be loaded: " + e.getMessage(),
          "configuration",
          null,
          e);
    }
  }
}
