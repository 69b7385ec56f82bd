package cloud.tenki.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.agent.ToolResult;
import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.anthropic.AnthropicChatModelName;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import dev.langchain4j.model.openai.OpenAiChatModelName;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledIfEnvironmentVariable;

/**
 * A real model drives the sandbox tools (sandboxes in the embedded local engine). Each test runs
 * only when its provider's API key is set in the environment ({@code OPENAI_API_KEY}, {@code
 * ANTHROPIC_API_KEY}) and is reported as skipped, with that reason, otherwise. Models can be
 * changed with {@code -Dtenki.it.openai.model=...} and {@code -Dtenki.it.anthropic.model=...}.
 *
 * <p>{@code ./mvnw -pl tenki-langchain4j -am verify} runs them (failsafe) after the unit tests.
 */
class RealModelIT {
  private TenkiLangChain4j tenki;

  @BeforeEach
  void start() {
    tenki = TenkiLangChain4j.builder().localEngine().build();
  }

  @AfterEach
  void stop() {
    tenki.close();
  }

  @Test
  @EnabledIfEnvironmentVariable(
      named = "OPENAI_API_KEY",
      matches = ".+",
      disabledReason = "set OPENAI_API_KEY to run this test against OpenAI")
  void openAiWritesAFileAndRunsCodeOnIt() {
    ChatModel model =
        OpenAiChatModel.builder()
            .apiKey(System.getenv("OPENAI_API_KEY"))
            .modelName(
                System.getProperty(
                    "tenki.it.openai.model", OpenAiChatModelName.GPT_4_1_MINI.toString()))
            .timeout(Duration.ofMinutes(2))
            .build();
    writesAFileAndRunsCodeOnIt(model, Faces.TOOL_METHODS);
  }

  @Test
  @EnabledIfEnvironmentVariable(
      named = "ANTHROPIC_API_KEY",
      matches = ".+",
      disabledReason = "set ANTHROPIC_API_KEY to run this test against Anthropic")
  void anthropicWritesAFileAndRunsCodeOnIt() {
    writesAFileAndRunsCodeOnIt(anthropic(), Faces.TOOL_PROVIDER);
  }

  @Test
  @EnabledIfEnvironmentVariable(
      named = "ANTHROPIC_API_KEY",
      matches = ".+",
      disabledReason = "set ANTHROPIC_API_KEY to run this test against Anthropic")
  void anthropicSeesThePlotItMade() {
    Faces.Assistant assistant = Faces.TOOL_PROVIDER.assistant(tenki, anthropic());
    String answer =
        assistant.chat(
            "painter",
            "Run this Python code with the run_code tool, then look at the image it produces and"
                + " tell me its colour in one word.\n\n"
                + ImagesTest.MAKE_PNG);
    assertThat(answer.toLowerCase(java.util.Locale.ROOT)).contains("red");
  }

  private void writesAFileAndRunsCodeOnIt(ChatModel model, Faces face) {
    String token = UUID.randomUUID().toString().substring(0, 8);
    Faces.Assistant assistant = face.assistant(tenki, model);

    String answer =
        assistant.chat(
            "tester",
            "Use your sandbox tools. Write the text "
                + token
                + " to the file notes/token.txt, then run Python code that reads that file and"
                + " prints its content reversed. Answer with the printed output only.");

    String reversed = new StringBuilder(token).reverse().toString();
    assertThat(answer).contains(reversed);
    // the file is really in that conversation's sandbox
    ToolResult file =
        tenki
            .toolkit()
            .call(ConversationKeys.of("tester"), "read_file", Map.of("path", "notes/token.txt"));
    assertThat(file.text()).contains(token);
  }

  private static ChatModel anthropic() {
    return AnthropicChatModel.builder()
        .apiKey(System.getenv("ANTHROPIC_API_KEY"))
        .modelName(
            System.getProperty(
                "tenki.it.anthropic.model",
                AnthropicChatModelName.CLAUDE_HAIKU_4_5_20251001.toString()))
        .timeout(Duration.ofMinutes(2))
        .maxTokens(1024)
        .build();
  }
}
