package cloud.tenki.langchain4j;

import cloud.tenki.sandbox.TenkiClient;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Creates the client when none is given: Tenki as configured, else the embedded local engine. */
final class Clients {
  private static final Logger log = LoggerFactory.getLogger(TenkiLangChain4j.class);

  private Clients() {}

  static TenkiClient create(
      boolean localEngine, Map<String, String> engineSettings, Environment env) {
    TenkiClient.Builder b = TenkiClient.builder();
    if (env.fixedOrNull() != null) {
      b.environment(env.fixedOrNull());
    }
    if (localEngine) {
      log.info("Tenki sandboxes run on this machine in the embedded local engine (as configured)");
      return b.localEngine(engineSettings).build();
    }
    if (env.configuresTenki()) {
      return b.build();
    }
    log.warn(
        "No Tenki credentials ({} or {}) are set: sandboxes run on this machine in the embedded"
            + " local engine. Set one of them to use Tenki Cloud.",
        Environment.AUTH_TOKEN,
        Environment.API_KEY);
    return b.localEngine(engineSettings).build();
  }
}
