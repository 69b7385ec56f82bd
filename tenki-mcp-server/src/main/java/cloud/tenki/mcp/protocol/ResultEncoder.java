package cloud.tenki.mcp.protocol;

import cloud.tenki.mcp.tool.Content;
import cloud.tenki.mcp.tool.ToolDefinition;
import cloud.tenki.mcp.tool.ToolResult;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Turns a {@link ToolResult} into the JSON of a {@code CallToolResult} for the negotiated revision,
 * and holds tools to their output schema. Thread-safe.
 */
final class ResultEncoder {

  private static final Logger LOG = LoggerFactory.getLogger(ResultEncoder.class);

  private final SchemaChecker schemas;

  ResultEncoder(SchemaChecker schemas) {
    this.schemas = schemas;
  }

  ObjectNode encode(ToolDefinition tool, ToolResult result, ProtocolVersion version) {
    ToolResult checked = checkOutput(tool, result);
    ObjectNode node = JsonRpc.MAPPER.createObjectNode();
    ArrayNode content = node.putArray("content");
    for (Content item : checked.content()) {
      content.add(encode(item));
    }
    if (checked.structuredContent() != null) {
      if (checked.content().isEmpty()) {
        // the protocol asks for the JSON as text too, for clients that ignore structured content
        ObjectNode text = content.addObject();
        text.put("type", "text");
        text.put("text", checked.structuredContent().toString());
      }
      if (version.hasStructuredContent()) {
        node.set("structuredContent", checked.structuredContent());
      }
    }
    node.put("isError", checked.isError());
    return node;
  }

  private static ObjectNode encode(Content item) {
    ObjectNode node = JsonRpc.MAPPER.createObjectNode();
    if (item instanceof Content.Text text) {
      node.put("type", "text");
      node.put("text", text.text());
    } else if (item instanceof Content.Image image) {
      node.put("type", "image");
      node.put("data", image.base64Data());
      node.put("mimeType", image.mimeType());
    }
    return node;
  }

  /**
   * A successful result of a tool with an output schema must carry conforming structured content;
   * clients reject the whole call otherwise, so a violation becomes an error result the model can
   * read, and a warning in the server log.
   */
  private ToolResult checkOutput(ToolDefinition tool, ToolResult result) {
    if (tool.outputSchema() == null || result.isError()) {
      return result;
    }
    if (result.structuredContent() == null) {
      LOG.warn("tool {} declares an output schema but returned no structured content", tool.name());
      return ToolResult.error(internalError(tool));
    }
    List<String> problems = schemas.problems(tool.outputSchema(), result.structuredContent());
    if (!problems.isEmpty()) {
      LOG.warn(
          "tool {} returned output that violates its output schema: {}", tool.name(), problems);
      return ToolResult.error(internalError(tool));
    }
    return result;
  }

  static String internalError(ToolDefinition tool) {
    return "Tool '" + tool.name() + "' failed with an internal error. Trying again may help.";
  }
}
