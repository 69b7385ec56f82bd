package cloud.tenki.langchain4j;

import dev.langchain4j.service.memory.ChatMemoryService;

/**
 * Maps LangChain4j chat memory ids to the toolkit's conversation keys, one to one.
 *
 * <p>Memory ids are arbitrary objects; the key keeps their type, so that the string {@code "1"} and
 * the number {@code 1} (two different chat memories for LangChain4j) never share a sandbox.
 */
final class ConversationKeys {
  private ConversationKeys() {}

  /** The memory id AI services use when a method has no {@code @MemoryId} parameter. */
  static final Object DEFAULT_MEMORY_ID = ChatMemoryService.DEFAULT;

  /** The conversation key of {@code memoryId}; null means the default conversation. */
  static String of(Object memoryId) {
    Object id = memoryId == null ? DEFAULT_MEMORY_ID : memoryId;
    if (id instanceof String s) {
      return "s:" + s;
    }
    return id.getClass().getName() + ":" + id;
  }

  /** {@code memoryId}, or the default memory id for null. */
  static Object orDefault(Object memoryId) {
    return memoryId == null ? DEFAULT_MEMORY_ID : memoryId;
  }
}
