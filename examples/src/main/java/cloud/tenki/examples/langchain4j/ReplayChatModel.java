package cloud.tenki.examples.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Stands in for an LLM when no API key is set: for each question of {@link SandboxAgentExample} it
 * makes the tool calls a model would make, one per turn, then answers with the last tool output.
 * Everything the tools do is real; only the decisions are canned. Thread-safe.
 */
public final class ReplayChatModel implements ChatModel {
  private static final String CSV = "month,sales\nJan,120\nFeb,95\nMar,143\nApr,160\n";

  private static final String ANALYSIS =
      String.join(
          "\n",
          "import csv",
          "rows = list(csv.DictReader(open('sales.csv')))",
          "growth = [(b['month'], int(b['sales']) - int(a['sales'])) for a, b in zip(rows, rows[1:])]",
          "month, delta = max(growth, key=lambda g: g[1])",
          "print(f'{month}: +{delta}')");

  private final AtomicInteger ids = new AtomicInteger();

  @Override
  public ChatResponse doChat(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    String question = lastUserMessage(messages);
    int toolResultsSoFar = toolResultsSince(messages);
    AiMessage reply =
        question.startsWith("Monthly sales")
            ? salesTurn(toolResultsSoFar, messages)
            : filesTurn(toolResultsSoFar, messages);
    return ChatResponse.builder().aiMessage(reply).build();
  }

  private AiMessage salesTurn(int done, List<ChatMessage> messages) {
    return switch (done) {
      case 0 -> call("write_file", json("path", "sales.csv", "content", CSV));
      case 1 -> call("run_code", json("language", "python", "code", ANALYSIS));
      default -> AiMessage.from("From the sandbox: " + lastToolOutput(messages));
    };
  }

  private AiMessage filesTurn(int done, List<ChatMessage> messages) {
    return done == 0
        ? call("list_files", "{}")
        : AiMessage.from("From the sandbox: " + lastToolOutput(messages));
  }

  private AiMessage call(String tool, String arguments) {
    return AiMessage.from(
        ToolExecutionRequest.builder()
            .id("call-" + ids.incrementAndGet())
            .name(tool)
            .arguments(arguments)
            .build());
  }

  private static String lastUserMessage(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof UserMessage u) {
        return u.singleText();
      }
    }
    return "";
  }

  private static int toolResultsSince(List<ChatMessage> messages) {
    int n = 0;
    for (int i = messages.size() - 1; i >= 0 && !(messages.get(i) instanceof UserMessage); i--) {
      if (messages.get(i) instanceof ToolExecutionResultMessage) {
        n++;
      }
    }
    return n;
  }

  private static String lastToolOutput(List<ChatMessage> messages) {
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof ToolExecutionResultMessage t) {
        return t.text().strip();
      }
    }
    return "";
  }

  /** A JSON object of string pairs. */
  private static String json(String... pairs) {
    StringBuilder b = new StringBuilder("{");
    for (int i = 0; i < pairs.length; i += 2) {
      b.append(i == 0 ? "" : ",").append(quote(pairs[i])).append(':').append(quote(pairs[i + 1]));
    }
    return b.append('}').toString();
  }

  private static String quote(String s) {
    StringBuilder b = new StringBuilder("\"");
    for (char c : s.toCharArray()) {
      switch (c) {
        case '"' -> b.append("\\\"");
        case '\\' -> b.append("\\\\");
        case '\n' -> b.append("\\n");
        default -> b.append(c);
      }
    }
    return b.append('"').toString();
  }
}
