package cloud.tenki.sandbox.agent.suite;

import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.SandboxTemplate;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;

/**
 * The lifecycle every toolkit test class shares: one client per class, toolkits closed after each
 * test. {@link ToolkitBehaviourSuite} adds every behaviour; a backend that cannot run all of them
 * (a fake without real isolation) extends this and picks the behaviour interfaces it can.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 180, unit = TimeUnit.SECONDS)
public abstract class ToolkitSuiteBase implements ToolkitContext {

  protected TenkiClient client;
  private final List<ToolkitHarness> open = new CopyOnWriteArrayList<>();

  /** A client for the backend under test; the suite closes it. */
  protected abstract TenkiClient newClient();

  /** Stops whatever {@link #newClient()} started, after the client is closed. */
  protected void closeBackend() {}

  @BeforeAll
  void startClient() {
    client = newClient();
  }

  @AfterEach
  void closeToolkits() {
    for (ToolkitHarness h : open) {
      h.close();
    }
    open.clear();
  }

  @AfterAll
  void stopClient() {
    if (client != null) {
      client.close();
    }
    closeBackend();
  }

  @Override
  public TenkiClient client() {
    return client;
  }

  @Override
  public ToolkitHarness harness(
      UnaryOperator<SandboxToolkit.Builder> config,
      UnaryOperator<SandboxTemplate.Builder> template) {
    ToolkitHarness h = new ToolkitHarness(client, config, template);
    open.add(h);
    return h;
  }
}
