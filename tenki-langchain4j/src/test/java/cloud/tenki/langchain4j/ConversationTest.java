package cloud.tenki.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.TenkiClient;
import dev.langchain4j.model.chat.request.ChatRequest;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Real AI services, a scripted model and the real local engine: multi-step work in one sandbox,
 * conversations kept apart, lifecycle hooks, streamed output.
 */
class ConversationTest {
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

  private TenkiLangChain4j tenki() {
    tenki = TenkiLangChain4j.builder().client(client).build();
    return tenki;
  }

  @ParameterizedTest
  @EnumSource(Faces.class)
  void writesAFileThenRunsCodeThatReadsIt(Faces face) {
    ScriptedChatModel model =
        new ScriptedChatModel()
            .call("write_file", "{\"path\":\"data/numbers.txt\",\"content\":\"3\\n4\\n5\\n\"}")
            .call(
                "run_code",
                "{\"language\":\"python\",\"code\":"
                    + "\"print(sum(int(l) for l in open('data/numbers.txt')))\"}")
            .answerWithLastToolResult();

    String answer = face.assistant(tenki(), model).chat("alice", "Add up the numbers.");

    assertThat(answer).contains("Exit code 0").contains("12");
    List<String> results = model.toolResultTexts();
    assertThat(results).hasSize(2);
    assertThat(results.get(0)).contains("data/numbers.txt");
    assertThat(model.toolResults()).noneMatch(r -> Boolean.TRUE.equals(r.isError()));
    assertThat(model.remainingSteps()).isZero();
  }

  @ParameterizedTest
  @EnumSource(Faces.class)
  void eachMemoryIdHasItsOwnSandbox(Faces face) {
    ScriptedChatModel model =
        new ScriptedChatModel()
            .call("write_file", "{\"path\":\"secret.txt\",\"content\":\"alice-only\"}")
            .answer("saved")
            .call("read_file", "{\"path\":\"secret.txt\"}")
            .answerWithLastToolResult()
            .call("list_files", "{}")
            .answerWithLastToolResult()
            .call("read_file", "{\"path\":\"secret.txt\"}")
            .answerWithLastToolResult();
    Faces.Assistant assistant = face.assistant(tenki(), model);

    assistant.chat("alice", "Keep a secret.");
    String bobRead = assistant.chat("bob", "Read secret.txt");
    String bobList = assistant.chat("bob", "What files are there?");
    String aliceRead = assistant.chat("alice", "Read secret.txt");

    assertThat(bobRead).contains("File not found").doesNotContain("alice-only");
    assertThat(bobList).doesNotContain("secret.txt");
    assertThat(aliceRead).contains("alice-only");
  }

  @Test
  void withoutAMemoryIdEveryCallSharesTheDefaultConversation() {
    ScriptedChatModel model =
        new ScriptedChatModel()
            .call("write_file", "{\"path\":\"shared.txt\",\"content\":\"from the first call\"}")
            .answer("ok")
            .call("read_file", "{\"path\":\"shared.txt\"}")
            .answerWithLastToolResult();
    Faces.OneShot oneShot = Faces.TOOL_METHODS.oneShot(tenki(), model);

    oneShot.chat("write it");
    assertThat(oneShot.chat("read it")).contains("from the first call");

    tenki.endConversation(null); // the default conversation, as AI services name it
    ScriptedChatModel after =
        new ScriptedChatModel().call("list_files", "{}").answerWithLastToolResult();
    assertThat(Faces.TOOL_METHODS.oneShot(tenki, after).chat("list")).doesNotContain("shared.txt");
  }

  @Test
  void endingAConversationOrClearingItsMemoryEndsItsSandbox() {
    ScriptedChatModel model =
        new ScriptedChatModel()
            .call("write_file", "{\"path\":\"a.txt\",\"content\":\"1\"}")
            .answer("ok")
            .call("list_files", "{}")
            .answerWithLastToolResult()
            .call("write_file", "{\"path\":\"b.txt\",\"content\":\"2\"}")
            .answer("ok")
            .call("list_files", "{}")
            .answerWithLastToolResult();
    Faces.Assistant assistant = Faces.TOOL_PROVIDER.assistant(tenki(), model);

    assistant.chat("carol", "write a");
    tenki.endConversation("carol");
    assertThat(assistant.chat("carol", "list")).doesNotContain("a.txt");

    assistant.chat("dave", "write b");
    assistant.getChatMemory("dave").clear();
    assertThat(assistant.chat("dave", "list")).doesNotContain("b.txt");
  }

  @Test
  void streamedOutputReachesTheListenerWithItsMemoryId() {
    List<String> seen = new CopyOnWriteArrayList<>();
    tenki =
        TenkiLangChain4j.builder()
            .client(client)
            .outputListener(
                (memoryId, tool, stream, text) ->
                    seen.add(memoryId + "|" + tool + "|" + stream + "|" + text))
            .build();
    ScriptedChatModel model =
        new ScriptedChatModel()
            .call("run_command", "{\"command\":\"echo out-line; echo err-line >&2\"}")
            .answer("done");

    Faces.TOOL_PROVIDER.assistant(tenki, model).chat("erin", "run it");

    assertThat(String.join("", seen))
        .contains("erin|run_command|stdout|out-line")
        .contains("erin|run_command|stderr|err-line");
  }

  @Test
  void aBackgroundProcessIsStartedReadAndStoppedByItsId() {
    ScriptedChatModel model =
        new ScriptedChatModel()
            .call(
                "run_command",
                "{\"command\":\"sleep 1; echo ready; sleep 300\",\"background\":true}")
            .call(
                "read_process_output",
                r -> "{\"process_id\":\"" + processId(r) + "\",\"wait_seconds\":20}")
            .call("stop_process", r -> "{\"process_id\":\"" + processId(r) + "\"}")
            .answerWithLastToolResult();

    String answer = Faces.TOOL_METHODS.assistant(tenki(), model).chat("frank", "start it");

    List<String> results = model.toolResultTexts();
    assertThat(results.get(0)).contains(processIdIn(results.get(0)));
    assertThat(results.get(1)).contains("ready");
    assertThat(answer).contains("SIGTERM");
  }

  /** The process id in the newest tool result. */
  private static String processId(ChatRequest r) {
    return processIdIn(ScriptedChatModel.text(ScriptedChatModel.lastToolResult(r)));
  }

  private static String processIdIn(String text) {
    Matcher m = Pattern.compile("\\bp\\d+\\b").matcher(text);
    if (!m.find()) {
      throw new AssertionError("no process id in " + text);
    }
    return m.group();
  }
}
