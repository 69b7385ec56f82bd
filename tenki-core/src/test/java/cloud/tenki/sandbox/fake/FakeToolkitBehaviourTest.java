package cloud.tenki.sandbox.fake;

import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.suite.ConversationBehaviour;
import cloud.tenki.sandbox.agent.suite.FileBehaviour;
import cloud.tenki.sandbox.agent.suite.PortBehaviour;
import cloud.tenki.sandbox.agent.suite.ToolkitSuiteBase;

/**
 * The toolkit's port, file and conversation behaviour against the in-process fake, which serves
 * preview URLs. The fake runs commands as host processes in a host directory (no isolation, no
 * process groups, absolute sandbox paths do not exist), so behaviour that depends on a real sandbox
 * runs against the engine only ({@code EngineToolkitBehaviourTest}).
 */
class FakeToolkitBehaviourTest extends ToolkitSuiteBase
    implements PortBehaviour, FileBehaviour, ConversationBehaviour {
  private FakeTenki fake;

  @Override
  protected TenkiClient newClient() {
    fake = FakeTenki.inProcess();
    return TenkiClient.builder().endpoint(fake.endpoint()).token(fake.token).build();
  }

  @Override
  protected void closeBackend() {
    if (fake != null) {
      fake.close();
    }
  }
}
