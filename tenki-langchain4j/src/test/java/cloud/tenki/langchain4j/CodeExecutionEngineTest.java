package cloud.tenki.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.sandbox.TenkiClient;
import dev.langchain4j.code.CodeExecutionEngine;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/** The code execution engine against the real local engine. */
class CodeExecutionEngineTest {
  private static TenkiClient client;
  private TenkiLangChain4j tenki;

  @BeforeAll
  static void startEngine() {
    client = TenkiClient.builder().environment(Map.of()).localEngine().build();
  }

  @AfterAll
  static void stopEngine() {
    client.close();
  }

  @BeforeEach
  void start() {
    tenki = TenkiLangChain4j.builder().client(client).build();
  }

  @AfterEach
  void stop() {
    tenki.close();
  }

  @Test
  void runsPythonAndKeepsFilesBetweenRuns() {
    CodeExecutionEngine python = tenki.codeExecutionEngine("python");

    assertThat(python.execute("print(6 * 7)")).startsWith("Exit code 0").contains("42");
    python.execute("open('state.txt', 'w').write('kept')");
    assertThat(python.execute("print(open('state.txt').read())")).contains("kept");
  }

  @Test
  void eachEngineHasItsOwnSandboxUntilClosed() {
    TenkiCodeExecutionEngine one = tenki.codeExecutionEngine("bash");
    TenkiCodeExecutionEngine two = tenki.codeExecutionEngine("bash");

    one.execute("echo mine > owned.txt");
    assertThat(two.execute("ls")).doesNotContain("owned.txt");
    assertThat(one.execute("cat owned.txt")).contains("mine");

    one.close();
    assertThat(one.execute("ls")).doesNotContain("owned.txt");
  }

  @Test
  void failuresAreTextNotExceptions() {
    CodeExecutionEngine js = tenki.codeExecutionEngine("javascript");
    String syntaxError = js.execute("console.log(");
    assertThat(syntaxError).startsWith("Exit code 1").contains("SyntaxError");

    String unknown = tenki.codeExecutionEngine("cobol-2099").execute("DISPLAY 'x'");
    assertThat(unknown).contains("cobol-2099");

    assertThatThrownBy(() -> js.execute(null)).isInstanceOf(NullPointerException.class);
  }

  @Test
  void anEngineCanShareAChatMemorysSandboxAndHaveATimeout() {
    TenkiCodeExecutionEngine shared = tenki.codeExecutionEngine("python", "nina", 1L);
    shared.execute("open('from-engine.txt', 'w').write('x')");

    ScriptedChatModel model =
        new ScriptedChatModel().call("list_files", "{}").answerWithLastToolResult();
    assertThat(Faces.TOOL_PROVIDER.assistant(tenki, model).chat("nina", "list"))
        .contains("from-engine.txt");

    assertThat(shared.execute("import time\ntime.sleep(30)")).contains("Timed out after 1 s");
  }
}
