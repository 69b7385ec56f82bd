package cloud.tenki.examples.langchain4j;

import cloud.tenki.examples.ExampleEnvironment;
import cloud.tenki.examples.Models;
import cloud.tenki.langchain4j.TenkiLangChain4j;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import java.io.PrintStream;

/**
 * A LangChain4j assistant with a Linux sandbox per user: it writes data to a file, runs Python on
 * it and answers from the output; a second user's sandbox is separate.
 *
 * <p>Run it (sandboxes run in the embedded local engine unless {@code TENKI_API_KEY} is set):
 *
 * <pre>
 * ./mvnw -q -pl examples -am verify -DskipTests -Plangchain4j-agent
 * </pre>
 *
 * <p>With {@code OPENAI_API_KEY} or {@code ANTHROPIC_API_KEY} set, a real model drives the tools;
 * without, {@link ReplayChatModel} replays the tool calls a model would make, so the sandbox work
 * is real either way.
 */
public final class SandboxAgentExample {

  /** The AI service: one chat memory, and so one sandbox, per user. */
  public interface Analyst {
    String chat(@MemoryId String user, @UserMessage String message);
  }

  static final String SALES_QUESTION =
      "Monthly sales were Jan 120, Feb 95, Mar 143, Apr 160. Save them to sales.csv, then use"
          + " Python to find the month with the largest growth over the month before. Reply with"
          + " the month and the growth.";

  static final String FILES_QUESTION = "Which files are in your working directory?";

  private SandboxAgentExample() {}

  public static void main(String[] args) {
    ChatModel model = modelFromEnvironment();
    try (TenkiLangChain4j tenki = TenkiLangChain4j.builder().build()) {
      run(model, tenki, System.out);
    }
  }

  /** Asks the questions of two users and prints each tool call and answer to {@code out}. */
  public static void run(ChatModel model, TenkiLangChain4j tenki, PrintStream out) {
    Analyst analyst =
        AiServices.builder(Analyst.class)
            .chatModel(model)
            .systemMessage(tenki.instructions())
            .chatMemoryProvider(
                tenki.chatMemoryProvider(
                    id -> MessageWindowChatMemory.builder().id(id).maxMessages(40).build()))
            .toolProvider(tenki.toolProvider())
            .beforeToolExecution(
                b ->
                    out.println(
                        "  -> " + b.request().name() + " " + b.request().arguments().strip()))
            .build();

    out.println("alice: " + SALES_QUESTION);
    out.println("assistant: " + analyst.chat("alice", SALES_QUESTION));
    out.println();
    out.println("bob: " + FILES_QUESTION);
    out.println("assistant: " + analyst.chat("bob", FILES_QUESTION));

    tenki.endConversation("alice"); // her sandbox is terminated now; bob's ends on close()
  }

  private static ChatModel modelFromEnvironment() {
    Models.Choice choice =
        Models.fromEnvironment(ExampleEnvironment.system(), ReplayChatModel::new);
    System.err.println("Model: " + choice.description());
    return choice.model();
  }
}
