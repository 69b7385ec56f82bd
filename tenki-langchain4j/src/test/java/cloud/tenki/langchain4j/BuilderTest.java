package cloud.tenki.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.sandbox.SandboxState;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import cloud.tenki.sandbox.agent.ToolResult;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Where sandboxes run, and who closes what. */
class BuilderTest {

  @Test
  void withoutATokenTheEmbeddedLocalEngineRunsTheSandboxes() {
    try (TenkiClient c = Clients.create(false, Map.of(), Environment.of(Map.of()))) {
      assertThat(c.ownsEngine()).isTrue();
    }
    try (TenkiLangChain4j tenki = TenkiLangChain4j.builder().environment(Map.of()).build()) {
      String out = tenki.codeExecutionEngine("bash").execute("echo from-the-engine");
      assertThat(out).contains("from-the-engine");
    }
  }

  @Test
  void aConfiguredTokenOrEndpointMeansNoLocalEngine() {
    Map<String, String> env =
        Map.of("TENKI_API_KEY", "k-123", "TENKI_API_ENDPOINT", "http://127.0.0.1:9");
    try (TenkiClient c = Clients.create(false, Map.of(), Environment.of(env))) {
      assertThat(c.ownsEngine()).isFalse();
      assertThat(c.endpoint()).isEqualTo("http://127.0.0.1:9");
    }
    try (TenkiClient c =
        Clients.create(true, Map.of(), Environment.of(Map.of("TENKI_API_KEY", "k-123")))) {
      assertThat(c.ownsEngine()).as("localEngine() wins").isTrue();
    }
  }

  @Test
  void aToolkitPassedInIsUsedAndLeftOpen() {
    try (TenkiClient client = TenkiClient.builder().environment(Map.of()).localEngine().build();
        SandboxToolkit toolkit = SandboxToolkit.builder().client(client).build()) {
      TenkiLangChain4j tenki = TenkiLangChain4j.builder().toolkit(toolkit).build();
      assertThat(tenki.toolkit()).isSameAs(toolkit);
      tenki.codeExecutionEngine("bash").execute("true");
      tenki.close();

      ToolResult stillOpen = toolkit.call("k", "run_command", Map.of("command", "echo open"));
      assertThat(stillOpen.text()).contains("open");
      assertThatThrownBy(() -> TenkiLangChain4j.builder().toolkit(toolkit).localEngine().build())
          .isInstanceOf(IllegalStateException.class);
    }
  }

  @Test
  void closeEndsEveryConversationAndLaterCallsAreRefused() {
    try (TenkiClient client = TenkiClient.builder().environment(Map.of()).localEngine().build()) {
      TenkiLangChain4j tenki = TenkiLangChain4j.builder().client(client).build();
      TenkiCodeExecutionEngine bash = tenki.codeExecutionEngine("bash");
      bash.execute("true");
      assertThat(tenki.toolkit().runningSandboxes()).isEqualTo(1);

      tenki.close();

      assertThat(tenki.toolkit().runningSandboxes()).isZero();
      assertThatThrownBy(() -> bash.execute("true")).isInstanceOf(IllegalStateException.class);
      // nothing left running, and the client (the caller's) still works
      assertThat(client.sandboxes().list().filter(s -> s.state() == SandboxState.RUNNING))
          .isEmpty();
    }
  }
}
