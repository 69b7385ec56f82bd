package cloud.tenki.mcp.toolkit;

import cloud.tenki.mcp.tool.CallContext;
import cloud.tenki.mcp.tool.Content;
import cloud.tenki.mcp.tool.McpToolSource;
import cloud.tenki.mcp.tool.ToolAnnotations;
import cloud.tenki.mcp.tool.ToolDefinition;
import cloud.tenki.mcp.tool.ToolResult;
import cloud.tenki.sandbox.agent.CallOptions;
import cloud.tenki.sandbox.agent.Cancellation;
import cloud.tenki.sandbox.agent.OutputListener;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import cloud.tenki.sandbox.agent.ToolContent;
import cloud.tenki.sandbox.agent.ToolSpec;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The sandbox agent toolkit as an MCP tool source: a thin translation between MCP's JSON shapes and
 * the toolkit, which owns every behaviour (sandboxes per conversation, truncation, timeouts, errors
 * as results).
 *
 * <p>Listing tools needs no sandbox backend: definitions come from the toolkit's catalog, so {@code
 * tools/list} answers at once. The toolkit (and with it the Tenki client or the embedded local
 * engine) is created in the background once the tools have been listed ({@link #prepare}), or by
 * the first call if that comes first, which then waits for it: a client's first call is seconds
 * after its listing (a model writes it), so it does not wait for an engine to start. A server that
 * is never asked for its tools starts nothing.
 *
 * <p>Thread-safe. Owns the toolkit it creates and closes it in {@link #close()}.
 */
public final class ToolkitToolSource implements McpToolSource {

  private static final ObjectMapper JSON = new ObjectMapper();
  private static final Logger LOG = LoggerFactory.getLogger(ToolkitToolSource.class);

  private final List<ToolDefinition> tools;
  private final String instructions;
  private final Supplier<SandboxToolkit> factory;
  private final Object lock = new Object();
  private SandboxToolkit toolkit;
  private boolean closed;

  /**
   * @param specs the tools to offer, as the toolkit will run them
   * @param instructions guidance for the model
   * @param factory creates the toolkit on first use; the source owns what it returns
   */
  public ToolkitToolSource(
      List<ToolSpec> specs, String instructions, Supplier<SandboxToolkit> factory) {
    this.tools = specs.stream().map(ToolkitToolSource::definition).toList();
    this.instructions = instructions;
    this.factory = factory;
  }

  @Override
  public List<ToolDefinition> tools() {
    return tools;
  }

  @Override
  public String instructions() {
    return instructions;
  }

  @Override
  public void prepare() {
    SandboxToolkit kit;
    try {
      kit = toolkit();
    } catch (RuntimeException e) {
      // the first call creates it again and reports why it cannot
      LOG.debug("the toolkit could not be created ahead of the first call", e);
      return;
    }
    kit.prepare();
  }

  @Override
  public ToolResult call(
      String conversationKey, String toolName, JsonNode arguments, CallContext context) {
    SandboxToolkit kit = toolkit();
    Map<String, Object> args = JsonMaps.toMap(arguments);
    Cancellation cancellation = new Cancellation();
    OutputListener listener = context.progressRequested() ? progressTo(context) : null;
    try (CallContext.Registration ignored = context.onCancel(cancellation::cancel)) {
      return convert(
          kit.call(conversationKey, toolName, args, new CallOptions(listener, cancellation)));
    }
  }

  @Override
  public void conversationEnded(String conversationKey) {
    SandboxToolkit kit;
    synchronized (lock) {
      kit = toolkit;
    }
    if (kit != null) {
      kit.endConversation(conversationKey);
    }
  }

  @Override
  public void close() {
    SandboxToolkit kit;
    synchronized (lock) {
      closed = true;
      kit = toolkit;
      toolkit = null;
    }
    if (kit != null) {
      kit.close();
    }
  }

  private SandboxToolkit toolkit() {
    synchronized (lock) {
      if (closed) {
        throw new IllegalStateException("the tool source is closed");
      }
      if (toolkit == null) {
        toolkit = factory.get();
      }
      return toolkit;
    }
  }

  /** Streamed output becomes progress messages; stderr is labelled so the two stay apart. */
  private static OutputListener progressTo(CallContext context) {
    return (stream, text) -> context.progress("stderr".equals(stream) ? "[stderr] " + text : text);
  }

  static ToolDefinition definition(ToolSpec spec) {
    cloud.tenki.sandbox.agent.ToolAnnotations a = spec.annotations();
    return ToolDefinition.builder(spec.name())
        .title(spec.title())
        .description(spec.description())
        .inputSchema(parse(spec.inputSchema(), spec.name()))
        .outputSchema(parse(spec.outputSchema(), spec.name()))
        .annotations(
            new ToolAnnotations(a.readOnly(), a.destructive(), a.idempotent(), a.openWorld()))
        .build();
  }

  private static ObjectNode parse(String schema, String tool) {
    try {
      return (ObjectNode) JSON.readTree(schema);
    } catch (JsonProcessingException | ClassCastException e) {
      throw new IllegalStateException(
          "the catalog's schema of " + tool + " is not a JSON object", e);
    }
  }

  static ToolResult convert(cloud.tenki.sandbox.agent.ToolResult result) {
    List<Content> content = new ArrayList<>();
    for (ToolContent item : result.content()) {
      if (item instanceof ToolContent.Text text) {
        content.add(new Content.Text(text.text()));
      } else if (item instanceof ToolContent.Image image) {
        content.add(
            new Content.Image(Base64.getEncoder().encodeToString(image.data()), image.mimeType()));
      }
    }
    // An error result carries no structured content: clients validate whatever structured
    // content arrives against the tool's output schema, and an error has no such shape.
    ObjectNode structured =
        result.isError() || result.structured().isEmpty()
            ? null
            : JsonMaps.toObject(result.structured(), JSON);
    return new ToolResult(content, structured, result.isError());
  }
}
