package cloud.tenki.benchmarks.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.List;

/**
 * A model that costs nothing: asked a question, it calls {@code run_command true}; shown the
 * result, it answers with the result's text. Stateless and thread-safe.
 */
final class OneToolCallModel implements ChatModel {
  private static final ToolExecutionRequest CALL =
      ToolExecutionRequest.builder()
          .id("call-1")
          .name("run_command")
          .arguments("{\"command\":\"true\"}")
          .build();

  @Override
  public ChatResponse doChat(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    ChatMessage last = messages.get(messages.size() - 1);
    AiMessage reply =
        last instanceof ToolExecutionResultMessage result
            ? AiMessage.from(((TextContent) result.contents().get(0)).text())
            : AiMessage.from(CALL);
    return ChatResponse.builder().aiMessage(reply).build();
  }
}
