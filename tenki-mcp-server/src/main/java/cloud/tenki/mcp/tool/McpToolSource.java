package cloud.tenki.mcp.tool;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.List;

/**
 * Where the MCP server gets its tools: the one seam between the protocol layer and whatever
 * implements the tools (in production, the sandbox agent toolkit).
 *
 * <p>The server calls {@link #tools()} to answer {@code tools/list}, validates each call's
 * arguments against the tool's input schema, and only then calls {@link #call}. A tool source never
 * sees malformed JSON-RPC, unknown tools or schema-invalid arguments.
 *
 * <p><b>Conversations.</b> Every call names a conversation key: one per stdio process, one per HTTP
 * {@code Mcp-Session-Id}. The key is an opaque random string (never the HTTP session id itself). A
 * tool source keeps per-conversation state (such as a sandbox) under that key; tools never take a
 * sandbox id from the model. {@link #conversationEnded} is called exactly once per key that was
 * used: on HTTP {@code DELETE}, on idle expiry of an HTTP session and at shutdown. After that no
 * further call for the key arrives, though a call that was already running may still be finishing
 * (it has been cancelled).
 *
 * <p><b>Thread-safety.</b> Implementations must be thread-safe: calls for different conversations
 * and for the same conversation run concurrently on server threads.
 *
 * <p><b>Ownership.</b> The server owns the tool source it is given and calls {@link #close()} once
 * at shutdown, after {@code conversationEnded} for every live conversation.
 *
 * <p>Example, a source with one tool:
 *
 * <pre>{@code
 * final class ClockTools implements McpToolSource {
 *   public List<ToolDefinition> tools() {
 *     return List.of(ToolDefinition.builder("now")
 *         .description("Current UTC time")
 *         .inputSchema(EMPTY_OBJECT_SCHEMA)
 *         .annotations(ToolAnnotations.readOnly())
 *         .build());
 *   }
 *   public ToolResult call(String conversationKey, String toolName, JsonNode arguments,
 *       CallContext context) {
 *     return ToolResult.text(java.time.Instant.now().toString());
 *   }
 *   public void conversationEnded(String conversationKey) {}
 *   public void close() {}
 * }
 * }</pre>
 */
public interface McpToolSource extends AutoCloseable {

  /**
   * The tools this source offers, in a stable order (pagination relies on it). Called for every
   * {@code tools/list} and {@code tools/call}, so it should return a cached list.
   */
  List<ToolDefinition> tools();

  /**
   * Instructions that teach a model how to use these tools, sent in the {@code initialize} result;
   * {@code null} (the default) for none. The server's configuration may override them.
   */
  default String instructions() {
    return null;
  }

  /**
   * A client has listed the tools, so calls are likely to follow: the source may start what its
   * first call would otherwise wait for (a backend connection, a local engine). Called at most once
   * per server, on a background thread of its own, after the {@code tools/list} answer went out;
   * may block. A call may arrive meanwhile. An exception is logged and otherwise ignored. The
   * default does nothing.
   */
  default void prepare() {}

  /**
   * Runs one tool call. Blocking is fine: every call runs on its own server thread.
   *
   * <p>Failures the model can act on (bad input the schema could not catch, a missing file, a
   * non-zero exit) are returned as results, with {@link ToolResult#isError()} where the call
   * failed. A thrown exception is treated as an internal error: the model gets a generic message
   * and the exception goes to the server log, so messages of thrown exceptions must never be relied
   * on to reach the model.
   *
   * @param conversationKey the conversation this call belongs to (see the class comment)
   * @param toolName a name from {@link #tools()}
   * @param arguments the call's arguments, already valid against the tool's input schema; an empty
   *     object when the client sent none
   * @param context progress, logging and cancellation for this call
   * @return the result; must conform to the tool's output schema when it declares one
   * @throws InterruptedException when the call was interrupted after cancellation
   */
  ToolResult call(String conversationKey, String toolName, JsonNode arguments, CallContext context)
      throws Exception;

  /**
   * The conversation has ended: release everything held for it (close its sandbox). Must not throw
   * for an unknown key (a conversation that never made a call).
   */
  void conversationEnded(String conversationKey);

  /** Releases everything; called once, last. */
  @Override
  void close();
}
