package cloud.tenki.langchain4j;

import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import dev.langchain4j.service.memory.ChatMemoryAccess;

/** The two ways an AI service gets the sandbox tools, and the AI services the tests drive. */
enum Faces {
  /** {@code .tools(tenki.sandboxTools())} with the arguments error handler. */
  TOOL_METHODS,
  /** {@code .toolProvider(tenki.toolProvider())}. */
  TOOL_PROVIDER;

  /** An AI service with one chat memory per user. */
  interface Assistant extends ChatMemoryAccess {
    String chat(@MemoryId String user, @UserMessage String message);
  }

  /** An AI service without chat memory: every call is the default conversation. */
  interface OneShot {
    String chat(String message);
  }

  Assistant assistant(TenkiLangChain4j tenki, ChatModel model) {
    AiServices<Assistant> b =
        AiServices.builder(Assistant.class)
            .chatModel(model)
            .systemMessage(tenki.instructions())
            .chatMemoryProvider(
                tenki.chatMemoryProvider(id -> MessageWindowChatMemory.withMaxMessages(100)));
    return with(b, tenki).build();
  }

  OneShot oneShot(TenkiLangChain4j tenki, ChatModel model) {
    return with(AiServices.builder(OneShot.class).chatModel(model), tenki).build();
  }

  private <T> AiServices<T> with(AiServices<T> b, TenkiLangChain4j tenki) {
    return switch (this) {
      case TOOL_METHODS ->
          b.tools(tenki.sandboxTools())
              .toolArgumentsErrorHandler(tenki.toolArgumentsErrorHandler());
      case TOOL_PROVIDER -> b.toolProvider(tenki.toolProvider());
    };
  }
}
