package cloud.tenki.sandbox.engine;

import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.suite.ToolkitBehaviourSuite;
import java.util.Map;
import org.junit.jupiter.api.Disabled;
import org.junit.jupiter.api.Test;

/**
 * The toolkit's behaviour suite against the real local engine, started in this JVM: real isolated
 * sandboxes, real processes and files.
 */
class EngineToolkitBehaviourTest extends ToolkitBehaviourSuite {

  @Override
  protected TenkiClient newClient() {
    return TenkiClient.builder().environment(Map.of()).localEngine().build();
  }

  @Test
  @Disabled("the local engine does not serve ports and preview URLs yet")
  @Override
  public void exposeListAndUnexposeAPortThatAServerListensOn() {}
}
