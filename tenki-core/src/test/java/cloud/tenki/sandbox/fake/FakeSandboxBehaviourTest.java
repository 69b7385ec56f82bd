package cloud.tenki.sandbox.fake;

import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.suite.SandboxBehaviourSuite;

/** The behaviour suite against the in-process fake. */
class FakeSandboxBehaviourTest extends SandboxBehaviourSuite {
  private FakeTenki fake;

  @Override
  protected TenkiClient newClient() {
    fake = FakeTenki.inProcess();
    fake.ssh().startGateway(fake);
    return TenkiClient.builder().endpoint(fake.endpoint()).token(fake.token).build();
  }

  @Override
  protected void closeBackend() {
    if (fake != null) {
      fake.close();
    }
  }
}
