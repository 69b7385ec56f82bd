package cloud.tenki.mcp.protocol;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.core.StreamReadConstraints;
import com.fasterxml.jackson.databind.DeserializationFeature;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.json.JsonMapper;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.NullNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.UncheckedIOException;

/**
 * JSON-RPC 2.0 framing shared by both transports: one hardened {@link ObjectMapper}, the standard
 * error codes, and builders for responses and notifications.
 *
 * <p>The mapper rejects trailing garbage after a message and bounds nesting depth, string and
 * number sizes, so that hostile input fails as a parse error instead of exhausting the server.
 * Thread-safe.
 */
public final class JsonRpc {

  /** Invalid JSON. */
  public static final int PARSE_ERROR = -32700;

  /** Valid JSON that is not a valid JSON-RPC request. */
  public static final int INVALID_REQUEST = -32600;

  /** The method does not exist or is not offered. */
  public static final int METHOD_NOT_FOUND = -32601;

  /** Invalid method parameters (also: unknown tool, bad cursor). */
  public static final int INVALID_PARAMS = -32602;

  /** An error inside the server. */
  public static final int INTERNAL_ERROR = -32603;

  /** The one mapper of the MCP server. */
  public static final ObjectMapper MAPPER =
      JsonMapper.builder()
          .enable(DeserializationFeature.FAIL_ON_TRAILING_TOKENS)
          .build()
          .setNodeFactory(JsonNodeFactory.withExactBigDecimals(true));

  static {
    MAPPER
        .getFactory()
        .setStreamReadConstraints(
            StreamReadConstraints.builder()
                .maxNestingDepth(200)
                .maxNumberLength(100)
                .maxStringLength(64 * 1024 * 1024)
                .build());
  }

  private JsonRpc() {}

  /** Parses one message; throws {@link JsonProcessingException} for anything that is not JSON. */
  public static JsonNode parse(byte[] bytes, int offset, int length) throws IOException {
    JsonNode node = MAPPER.readTree(bytes, offset, length);
    if (node == null || node.isMissingNode()) {
      throw new JsonRpcParseException("empty message");
    }
    return node;
  }

  /** Serializes a message to UTF-8 JSON on one line (JSON escapes every newline in strings). */
  public static byte[] toBytes(JsonNode message) {
    try {
      return MAPPER.writeValueAsBytes(message);
    } catch (JsonProcessingException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** A successful response. */
  public static ObjectNode result(JsonNode id, JsonNode result) {
    ObjectNode response = MAPPER.createObjectNode();
    response.put("jsonrpc", "2.0");
    response.set("id", id);
    response.set("result", result);
    return response;
  }

  /** An error response; {@code id} is {@code null} when the request's id could not be read. */
  public static ObjectNode error(JsonNode id, int code, String message) {
    ObjectNode response = MAPPER.createObjectNode();
    response.put("jsonrpc", "2.0");
    response.set("id", id == null ? NullNode.getInstance() : id);
    ObjectNode error = response.putObject("error");
    error.put("code", code);
    error.put("message", message);
    return response;
  }

  /** A notification. */
  public static ObjectNode notification(String method, ObjectNode params) {
    ObjectNode message = MAPPER.createObjectNode();
    message.put("jsonrpc", "2.0");
    message.put("method", method);
    message.set("params", params);
    return message;
  }

  /** Whether a message (or any element of a batch) is a request, which needs a response. */
  public static boolean containsRequest(JsonNode message) {
    if (message.isArray()) {
      for (JsonNode element : message) {
        if (isRequest(element)) {
          return true;
        }
      }
      return false;
    }
    return isRequest(message);
  }

  /**
   * Whether the message must be answered: anything with a method and an id, and also anything
   * malformed that is not clearly a notification or a response (it gets an error response).
   */
  static boolean isRequest(JsonNode message) {
    if (!message.isObject()) {
      return true;
    }
    if (message.has("method")) {
      return message.has("id");
    }
    return !(message.has("result") || message.has("error"));
  }

  /** Thrown by {@link #parse} for input that is empty. */
  static final class JsonRpcParseException extends IOException {
    JsonRpcParseException(String message) {
      super(message);
    }
  }
}
