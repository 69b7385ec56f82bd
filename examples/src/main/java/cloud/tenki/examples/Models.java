package cloud.tenki.examples;

import dev.langchain4j.model.anthropic.AnthropicChatModel;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.openai.OpenAiChatModel;
import java.util.function.Supplier;

/**
 * Picks the chat model an example talks to: OpenAI when {@code OPENAI_API_KEY} is set, else
 * Anthropic when {@code ANTHROPIC_API_KEY} is set, else a scripted stand-in that makes the tool
 * calls a model would make (free, offline, deterministic). Stateless.
 */
public final class Models {
  /** The default OpenAI model (override with {@code OPENAI_MODEL}). */
  public static final String DEFAULT_OPENAI_MODEL = "gpt-4.1-mini";

  /** The default Anthropic model (override with {@code ANTHROPIC_MODEL}). */
  public static final String DEFAULT_ANTHROPIC_MODEL = "claude-haiku-4-5-20251001";

  private Models() {}

  /**
   * A chosen model and a line saying which it is.
   *
   * @param model the model
   * @param description for the user, e.g. {@code "OpenAI gpt-4.1-mini (OPENAI_API_KEY is set)"}
   * @param scripted whether it is the scripted stand-in
   */
  public record Choice(ChatModel model, String description, boolean scripted) {}

  /** The model the environment asks for, or {@code scripted} when it names none. */
  public static Choice fromEnvironment(ExampleEnvironment env, Supplier<ChatModel> scripted) {
    var openAi = env.get(ExampleEnvironment.OPENAI_API_KEY);
    if (openAi.isPresent()) {
      String name = env.get(ExampleEnvironment.OPENAI_MODEL).orElse(DEFAULT_OPENAI_MODEL);
      return new Choice(
          OpenAiChatModel.builder().apiKey(openAi.get()).modelName(name).build(),
          "OpenAI " + name + " (OPENAI_API_KEY is set)",
          false);
    }
    var anthropic = env.get(ExampleEnvironment.ANTHROPIC_API_KEY);
    if (anthropic.isPresent()) {
      String name = env.get(ExampleEnvironment.ANTHROPIC_MODEL).orElse(DEFAULT_ANTHROPIC_MODEL);
      return new Choice(
          AnthropicChatModel.builder()
              .apiKey(anthropic.get())
              .modelName(name)
              .maxTokens(2048)
              .build(),
          "Anthropic " + name + " (ANTHROPIC_API_KEY is set)",
          false);
    }
    return new Choice(
        scripted.get(),
        "SCRIPTED: no OPENAI_API_KEY or ANTHROPIC_API_KEY is set, so a script plays the model."
            + " Its tool calls are canned; everything they do in the sandbox is real.",
        true);
  }
}
