package cloud.tenki.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.agent.OutputBudget;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * What the model reads back, through real AI services against the real local engine: errors as text
 * (never an exception out of the AI service), non-zero exits as normal results, truncation it can
 * see and page through.
 */
class ToolResultsTest {
  private static final ObjectMapper JSON = new ObjectMapper();
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

  @AfterEach
  void endConversations() {
    if (tenki != null) {
      tenki.close();
    }
  }

  static String json(Map<String, ?> args) {
    try {
      return JSON.writeValueAsString(args);
    } catch (Exception e) {
      throw new AssertionError(e);
    }
  }

  @ParameterizedTest
  @EnumSource(Faces.class)
  void failuresReachTheModelAsTextAndTheConversationGoesOn(Faces face) {
    tenki = TenkiLangChain4j.builder().client(client).build();
    ScriptedChatModel model =
        new ScriptedChatModel()
            .call("read_file", "{\"path\":\"missing/nothing.txt\"}")
            .call("run_command", "{\"command\":\"true\",\"timeout_seconds\":\"soon\"}")
            .call("run_command", "{\"command\":\"echo partial; exit 3\"}")
            .call("run_command", "{\"command\":\"true\",\"timeout_seconds\":999999}")
            .answer("I recovered");

    String answer = face.assistant(tenki, model).chat("grace", "try things");

    assertThat(answer).isEqualTo("I recovered");
    List<ToolExecutionResultMessage> results = model.toolResults();
    assertThat(ScriptedChatModel.text(results.get(0)))
        .contains("File not found")
        .contains("missing/nothing.txt");
    assertThat(ScriptedChatModel.text(results.get(1))).contains("timeout_seconds");
    assertThat(ScriptedChatModel.text(results.get(2))).contains("Exit code 3").contains("partial");
    assertThat(results.get(2).isError()).isFalse();
    assertThat(ScriptedChatModel.text(results.get(3))).contains("timeout_seconds").contains("1800");
    // the argument LangChain4j cannot convert is flagged as an error on both paths
    assertThat(results.get(1).isError()).isTrue();
    if (face == Faces.TOOL_PROVIDER) {
      // a @Tool method returns content, so only the provider's executor can flag errors
      assertThat(results.get(0).isError()).isTrue();
      assertThat(results.get(3).isError()).isTrue();
    }
  }

  @Test
  void argumentsThatAreNotJsonAreAnErrorForTheModel() {
    tenki = TenkiLangChain4j.builder().client(client).build();
    ScriptedChatModel model =
        new ScriptedChatModel()
            .call("list_files", "{not json")
            .call("list_files", "[1,2]")
            .answer("fine");

    assertThat(Faces.TOOL_PROVIDER.assistant(tenki, model).chat("heidi", "go")).isEqualTo("fine");

    assertThat(model.toolResults())
        .allSatisfy(
            r -> {
              assertThat(r.isError()).isTrue();
              assertThat(ScriptedChatModel.text(r)).contains("not a JSON object");
            });
  }

  @Test
  void anUnknownEnumValueForAToolMethodIsAnErrorForTheModel() {
    tenki = TenkiLangChain4j.builder().client(client).build();
    ScriptedChatModel model =
        new ScriptedChatModel()
            .call("read_file", "{\"path\":\"x.txt\",\"encoding\":\"utf8\"}")
            .answer("fine");

    assertThat(Faces.TOOL_METHODS.assistant(tenki, model).chat("ivan", "go")).isEqualTo("fine");

    ToolExecutionResultMessage r = model.toolResults().get(0);
    assertThat(r.isError()).isTrue();
    assertThat(ScriptedChatModel.text(r)).contains("read_file").contains("encoding");
  }

  @ParameterizedTest
  @EnumSource(Faces.class)
  void truncationIsVisibleAndTheModelCanPageThroughTheFullOutput(Faces face) {
    tenki =
        TenkiLangChain4j.builder()
            .client(client)
            .configureToolkit(t -> t.stdoutBudget(OutputBudget.ofChars(1000)))
            .build();
    ScriptedChatModel model =
        new ScriptedChatModel()
            .call("run_command", "{\"command\":\"seq 1 100000\"}")
            .call(
                "read_file",
                r ->
                    json(
                        Map.of(
                            "path",
                            spillFile(ScriptedChatModel.text(ScriptedChatModel.lastToolResult(r))),
                            "start_line",
                            50000,
                            "end_line",
                            50002)))
            .answerWithLastToolResult();

    String answer = face.assistant(tenki, model).chat("judy", "count");

    String first = model.toolResultTexts().get(0);
    assertThat(first).startsWith("Exit code 0").contains("omitted").contains("100000");
    assertThat(first.length()).isLessThan(1500);
    assertThat(answer).contains("50000").contains("50001").contains("50002");
  }

  @Test
  void exposingAPortNothingListensOnSaysSo() {
    tenki = TenkiLangChain4j.builder().client(client).build();
    ScriptedChatModel model =
        new ScriptedChatModel().call("expose_port", "{\"port\":8123}").answerWithLastToolResult();

    String answer = Faces.TOOL_PROVIDER.assistant(tenki, model).chat("kim", "publish");

    assertThat(answer).contains("Nothing is listening on port 8123");
    assertThat(model.toolResults().get(0).isError()).isTrue();
  }

  /** The spill file a truncated result names. */
  static String spillFile(String text) {
    Matcher m = Pattern.compile("(/home/tenki/\\.tenki/output/[\\w.]+\\w)").matcher(text);
    if (!m.find()) {
      throw new AssertionError("no spill file named in " + text);
    }
    return m.group(1);
  }
}
