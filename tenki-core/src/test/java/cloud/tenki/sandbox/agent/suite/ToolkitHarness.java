package cloud.tenki.sandbox.agent.suite;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.ListSandboxesOptions;
import cloud.tenki.sandbox.SandboxInfo;
import cloud.tenki.sandbox.SandboxState;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.CallOptions;
import cloud.tenki.sandbox.agent.SandboxTemplate;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import cloud.tenki.sandbox.agent.ToolResult;
import cloud.tenki.sandbox.agent.ToolSpec;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.BooleanSupplier;
import java.util.function.UnaryOperator;

/**
 * A toolkit under test with what the suite checks on every call: the structured result conforms to
 * the tool's output schema, and nothing the model reads contains a sandbox id or a stack trace. Its
 * sandboxes carry a unique tag, so a test can find (and sabotage) exactly its own.
 */
public final class ToolkitHarness implements AutoCloseable {
  private static final ObjectMapper JSON = new ObjectMapper();
  private static final SchemaRegistry SCHEMAS =
      SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);
  private static final Map<String, Schema> COMPILED = new ConcurrentHashMap<>();

  public final SandboxToolkit toolkit;
  public final String tag;
  private final TenkiClient client;

  ToolkitHarness(TenkiClient client, UnaryOperator<SandboxToolkit.Builder> config) {
    this(client, config, UnaryOperator.identity());
  }

  ToolkitHarness(
      TenkiClient client,
      UnaryOperator<SandboxToolkit.Builder> config,
      UnaryOperator<SandboxTemplate.Builder> template) {
    this.client = client;
    this.tag = "toolkit-" + UUID.randomUUID();
    SandboxToolkit.Builder b =
        SandboxToolkit.builder()
            .client(client)
            .template(template.apply(SandboxTemplate.builder().tags(tag)).build());
    this.toolkit = config.apply(b).build();
  }

  public ToolResult call(String key, String tool, Map<String, ?> args) {
    return call(key, tool, args, CallOptions.none());
  }

  public ToolResult call(String key, String tool, Map<String, ?> args, CallOptions options) {
    ToolResult r = toolkit.call(key, tool, args, options);
    check(tool, r);
    return r;
  }

  /** A call that must succeed (not an error result). */
  public ToolResult ok(String key, String tool, Map<String, ?> args) {
    ToolResult r = call(key, tool, args);
    assertThat(r.isError()).as("%s failed: %s", tool, r.text()).isFalse();
    return r;
  }

  /** A call that must fail (an error result). */
  public ToolResult error(String key, String tool, Map<String, ?> args) {
    ToolResult r = call(key, tool, args);
    assertThat(r.isError()).as("%s should have failed: %s", tool, r.text()).isTrue();
    return r;
  }

  private void check(String tool, ToolResult r) {
    assertThat(r.text()).as("text of %s", tool).isNotBlank();
    assertThat(r.text())
        .as("no stack traces in %s", tool)
        .doesNotContain("Exception", "\tat ", "cloud.tenki.");
    for (SandboxInfo s : allSandboxes()) {
      assertThat(r.text()).as("no sandbox ids in %s", tool).doesNotContain(s.id());
      assertThat(r.structured().toString()).doesNotContain(s.id());
    }
    if (r.isError()) {
      assertThat(r.structured()).isEmpty();
      return;
    }
    ToolSpec spec = toolkit.catalog().tool(tool);
    Schema schema = COMPILED.computeIfAbsent(tool, t -> SCHEMAS.getSchema(spec.outputSchema()));
    JsonNode node = JSON.valueToTree(r.structured());
    List<Error> errors = schema.validate(node);
    assertThat(errors).as("%s result %s against its output schema", tool, node).isEmpty();
    r.structured().values().forEach(v -> assertThat(v).isNotNull());
  }

  /** This harness's sandboxes that are not terminated. */
  public List<SandboxInfo> sandboxes() {
    return client
        .sandboxes()
        .list(ListSandboxesOptions.builder().tags(tag).build())
        .filter(s -> !s.state().isTerminal())
        .toList();
  }

  /** This harness's sandboxes, terminated ones included. */
  public List<SandboxInfo> allSandboxes() {
    return client
        .sandboxes()
        .list(ListSandboxesOptions.builder().tags(tag).includeTerminated(true).build())
        .toList();
  }

  /** The one running sandbox of this harness. */
  public SandboxInfo onlySandbox() {
    List<SandboxInfo> all = sandboxes();
    assertThat(all).hasSize(1);
    return all.get(0);
  }

  public List<SandboxInfo> inState(SandboxState state) {
    return sandboxes().stream().filter(s -> s.state() == state).toList();
  }

  /** Polls {@code condition} until it holds, failing after {@code timeout}. */
  public static void await(Duration timeout, String what, BooleanSupplier condition) {
    long end = System.nanoTime() + timeout.toNanos();
    while (!condition.getAsBoolean()) {
      if (System.nanoTime() > end) {
        throw new AssertionError("timed out waiting for " + what);
      }
      try {
        Thread.sleep(20);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new AssertionError("interrupted waiting for " + what);
      }
    }
  }

  @Override
  public void close() {
    toolkit.close();
  }
}
