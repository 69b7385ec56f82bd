package cloud.tenki.mcp.cli;

import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.tool.ToolDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.util.List;

/**
 * Turns the arguments object ({@code '{...}'} after the tool's name, or {@code --json}) and {@code
 * --arg name=value} into a tool's arguments object. {@code --arg} values stay strings where the
 * tool's schema says string (or says nothing) and are read as JSON for numbers, booleans, arrays
 * and objects, so {@code --arg steps=3} is a number while {@code --arg text=3} is the text "3".
 */
final class CallArguments {

  private CallArguments() {}

  static ObjectNode parse(List<ToolDefinition> tools, String tool, String json, List<String> args) {
    ObjectNode arguments = JsonRpc.MAPPER.createObjectNode();
    if (json != null) {
      JsonNode parsed = readJson(json, "the arguments (ARGUMENTS or --json)");
      if (!parsed.isObject()) {
        throw new IllegalArgumentException(
            "the arguments (ARGUMENTS or --json) must be a JSON object, like '{\"path\": \".\"}'");
      }
      arguments.setAll((ObjectNode) parsed);
    }
    JsonNode properties = schemaProperties(tools, tool);
    for (String arg : args) {
      int equals = arg.indexOf('=');
      if (equals <= 0) {
        throw new IllegalArgumentException("--arg must be NAME=VALUE but was '" + arg + "'");
      }
      String name = arg.substring(0, equals);
      String value = arg.substring(equals + 1);
      String type = properties.path(name).path("type").asText("string");
      if (type.equals("string")) {
        arguments.put(name, value);
      } else {
        arguments.set(name, readJson(value, "--arg " + name));
      }
    }
    return arguments;
  }

  private static JsonNode schemaProperties(List<ToolDefinition> tools, String name) {
    for (ToolDefinition tool : tools) {
      if (tool.name().equals(name)) {
        return tool.inputSchema().path("properties");
      }
    }
    return JsonRpc.MAPPER.createObjectNode();
  }

  private static JsonNode readJson(String text, String what) {
    try {
      return JsonRpc.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(what + " is not valid JSON: " + text);
    }
  }
}
