package cloud.tenki.sandbox.engine;

import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.suite.SandboxBehaviourSuite;
import java.util.Map;

/**
 * The full behaviour suite against the real local engine, started in this JVM through the SDK's
 * {@code local} endpoint (ServiceLoader), with real isolated processes and files: ports and preview
 * URLs, volumes, and SSH with a real SSH client through the engine's WebSocket gateway included.
 */
class EngineSandboxBehaviourTest extends SandboxBehaviourSuite {

  @Override
  protected TenkiClient newClient() {
    return TenkiClient.builder().environment(Map.of()).localEngine().build();
  }
}
