package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;

/**
 * An engine on loopback with a 32 MiB memory budget and one sandbox holding the budget tests'
 * files: {@code f4}, {@code f12}, {@code f20} (random, of that many MiB) and {@code locked} (4 MiB,
 * unreadable). Shared by a test class ({@code @BeforeAll}/{@code @AfterAll}); closing it closes the
 * client and the engine.
 */
final class BudgetEngine implements AutoCloseable {

  static final String TOKEN = "tk_budget";

  final LocalEngine engine;
  final EngineClient client;
  final EngineClient.Sandbox sb;

  /** The SHA-256 of {@code f4}, as {@code sha256sum} prints it. */
  final String sha4;

  private BudgetEngine(
      LocalEngine engine, EngineClient client, EngineClient.Sandbox sb, String sha4) {
    this.engine = engine;
    this.client = client;
    this.sb = sb;
    this.sha4 = sha4;
  }

  /** Starts the engine; a large call waits up to {@code wait} for room. */
  static BudgetEngine start(Duration wait) throws Exception {
    LocalEngine engine =
        LocalEngine.builder()
            .listen("127.0.0.1", 0)
            .token(TOKEN)
            .memoryBudget(32L * BudgetCalls.MIB)
            .memoryBudgetWait(wait)
            .start();
    EngineClient client = null;
    try {
      client = new EngineClient(engine.endpoint(), TOKEN);
      EngineClient.Sandbox sb = client.create();
      var r =
          sb.run(
              "sh",
              "-c",
              "head -c 4194304 /dev/urandom > f4 && head -c 12582912 /dev/urandom > f12"
                  + " && head -c 20971520 /dev/urandom > f20 && head -c 4194304 /dev/urandom"
                  + " > locked && chmod 000 locked && sha256sum f4");
      assertThat(r.code()).as(r.err()).isZero();
      return new BudgetEngine(engine, client, sb, r.out().split(" ")[0]);
    } catch (Exception | AssertionError e) {
      if (client != null) {
        client.close();
      }
      engine.close();
      throw e;
    }
  }

  @Override
  public void close() {
    client.close();
    engine.close();
  }
}
