package cloud.tenki.langchain4j;

import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.memory.ChatMemory;
import java.util.List;
import java.util.Objects;

/**
 * A chat memory whose {@link #clear()} also ends its conversation's sandbox. The conversation is
 * the memory id the memory was provided for (a provider may build memories that do not carry it).
 */
final class EndingChatMemory implements ChatMemory {
  private final ChatMemory delegate;
  private final Object memoryId;
  private final TenkiLangChain4j tenki;

  EndingChatMemory(ChatMemory delegate, Object memoryId, TenkiLangChain4j tenki) {
    this.delegate = Objects.requireNonNull(delegate, "the ChatMemoryProvider returned null");
    this.memoryId = memoryId;
    this.tenki = tenki;
  }

  @Override
  public Object id() {
    return delegate.id();
  }

  @Override
  public void add(ChatMessage message) {
    delegate.add(message);
  }

  @Override
  public void add(Iterable<ChatMessage> messages) {
    delegate.add(messages);
  }

  @Override
  public void set(Iterable<ChatMessage> messages) {
    // compaction rewrites the history: the conversation (and its sandbox) goes on
    delegate.set(messages);
  }

  @Override
  public List<ChatMessage> messages() {
    return delegate.messages();
  }

  @Override
  public void clear() {
    try {
      delegate.clear();
    } finally {
      tenki.endConversation(memoryId);
    }
  }
}
