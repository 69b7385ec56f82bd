package cloud.tenki.mcp.protocol;

import cloud.tenki.mcp.tool.McpToolSource;
import cloud.tenki.mcp.tool.ToolAnnotations;
import cloud.tenki.mcp.tool.ToolDefinition;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.List;

/**
 * The tools of a {@link McpToolSource} as {@code tools/list} presents them: encoded for the
 * negotiated revision and split into pages with opaque cursors. Thread-safe.
 */
final class ToolCatalog {

  private static final String CURSOR_PREFIX = "tools:";

  private final McpToolSource source;
  private final int pageSize;

  ToolCatalog(McpToolSource source, int pageSize) {
    this.source = source;
    this.pageSize = pageSize;
  }

  /** The tool named {@code name}, or {@code null}. */
  ToolDefinition find(String name) {
    for (ToolDefinition tool : source.tools()) {
      if (tool.name().equals(name)) {
        return tool;
      }
    }
    return null;
  }

  /**
   * One page of the {@code tools/list} result.
   *
   * @throws IllegalArgumentException for a cursor this server did not hand out
   */
  ObjectNode page(String cursor, ProtocolVersion version) {
    List<ToolDefinition> tools = source.tools();
    int start = cursor == null ? 0 : decodeCursor(cursor, tools.size());
    int end = Math.min(tools.size(), start + pageSize);
    ObjectNode result = JsonRpc.MAPPER.createObjectNode();
    ArrayNode array = result.putArray("tools");
    for (ToolDefinition tool : tools.subList(start, end)) {
      array.add(encode(tool, version));
    }
    if (end < tools.size()) {
      result.put("nextCursor", encodeCursor(end));
    }
    return result;
  }

  static ObjectNode encode(ToolDefinition tool, ProtocolVersion version) {
    ObjectNode node = JsonRpc.MAPPER.createObjectNode();
    node.put("name", tool.name());
    boolean modern = version.hasStructuredContent();
    if (modern && tool.title() != null) {
      node.put("title", tool.title());
    }
    node.put("description", tool.description());
    node.set("inputSchema", tool.inputSchema());
    if (modern && tool.outputSchema() != null) {
      node.set("outputSchema", tool.outputSchema());
    }
    ObjectNode annotations = encode(tool.annotations());
    if (!modern && tool.title() != null) {
      // before 2025-06-18 the display title lived in the annotations
      annotations.put("title", tool.title());
    }
    if (!annotations.isEmpty()) {
      node.set("annotations", annotations);
    }
    return node;
  }

  private static ObjectNode encode(ToolAnnotations hints) {
    ObjectNode node = JsonRpc.MAPPER.createObjectNode();
    putIfSet(node, "readOnlyHint", hints.readOnlyHint());
    putIfSet(node, "destructiveHint", hints.destructiveHint());
    putIfSet(node, "idempotentHint", hints.idempotentHint());
    putIfSet(node, "openWorldHint", hints.openWorldHint());
    return node;
  }

  private static void putIfSet(ObjectNode node, String field, Boolean value) {
    if (value != null) {
      node.put(field, value);
    }
  }

  private static String encodeCursor(int offset) {
    byte[] raw = (CURSOR_PREFIX + offset).getBytes(StandardCharsets.US_ASCII);
    return Base64.getUrlEncoder().withoutPadding().encodeToString(raw);
  }

  private static int decodeCursor(String cursor, int size) {
    String raw;
    try {
      raw = new String(Base64.getUrlDecoder().decode(cursor), StandardCharsets.US_ASCII);
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException("Invalid cursor");
    }
    if (!raw.startsWith(CURSOR_PREFIX)) {
      throw new IllegalArgumentException("Invalid cursor");
    }
    try {
      int offset = Integer.parseInt(raw.substring(CURSOR_PREFIX.length()));
      if (offset <= 0 || offset > size) {
        throw new IllegalArgumentException("Invalid cursor (the tool list changed?)");
      }
      return offset;
    } catch (NumberFormatException e) {
      throw new IllegalArgumentException("Invalid cursor");
    }
  }
}
