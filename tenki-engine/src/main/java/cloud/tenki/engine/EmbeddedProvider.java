package cloud.tenki.engine;

import cloud.tenki.spi.EmbeddedEngine;
import cloud.tenki.spi.EmbeddedEngineProvider;
import java.nio.file.Path;
import java.util.Map;
import java.util.Set;

/**
 * Lets the SDK start a {@link LocalEngine} through {@link java.util.ServiceLoader} without
 * depending on this module. Settings: {@code state-dir}, {@code isolation}, {@code token} and
 * {@code memory-budget-mb} (the memory large transfers may hold at once, in MiB; default half the
 * heap, at least 128 MiB). Without a {@code token} the engine gets a random one (which {@link
 * EmbeddedEngine#token()} returns), so its network listener, once a feature starts it, is not open
 * to every local process. Thread-safe and stateless.
 */
public final class EmbeddedProvider implements EmbeddedEngineProvider {

  private static final Set<String> KNOWN =
      Set.of("state-dir", "isolation", "token", "memory-budget-mb");

  /** Required by {@link java.util.ServiceLoader}. */
  public EmbeddedProvider() {}

  @Override
  public EmbeddedEngine start(Map<String, String> settings) {
    for (String key : settings.keySet()) {
      if (!KNOWN.contains(key)) {
        throw new IllegalArgumentException(
            "unknown engine setting '"
                + key
                + "' (known: state-dir, isolation, token, memory-budget-mb)");
      }
    }
    LocalEngine.Builder b = LocalEngine.builder();
    if (settings.containsKey("state-dir")) {
      b.stateDir(Path.of(settings.get("state-dir")));
    }
    if (settings.containsKey("isolation")) {
      b.isolation(Isolation.parse(settings.get("isolation")));
    }
    if (settings.containsKey("memory-budget-mb")) {
      b.memoryBudget(mebibytes(settings.get("memory-budget-mb")) * 1024L * 1024L);
    }
    // an engine started for one client needs no "any token works": its network listener (SSH,
    // slug redirects) would otherwise let every local process drive its sandboxes
    b.token(settings.containsKey("token") ? settings.get("token") : randomToken());
    LocalEngine engine = b.start();
    return new EmbeddedEngine() {
      @Override
      public String endpoint() {
        return engine.endpoint();
      }

      @Override
      public String token() {
        return engine.token();
      }

      @Override
      public void close() {
        engine.close();
      }
    };
  }

  private static long mebibytes(String value) {
    long mb;
    try {
      mb = Long.parseLong(value.strip());
    } catch (NumberFormatException e) {
      mb = 0;
    }
    if (mb < 1 || mb > 1024L * 1024) {
      throw new IllegalArgumentException(
          "engine setting memory-budget-mb must be a whole number of MiB from 1 to 1048576, got '"
              + value
              + "'");
    }
    return mb;
  }

  private static String randomToken() {
    byte[] bytes = new byte[32];
    new java.security.SecureRandom().nextBytes(bytes);
    return "tk_embedded_" + java.util.HexFormat.of().formatHex(bytes);
  }
}
