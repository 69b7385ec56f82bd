package cloud.tenki.mcp.toolkit;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;
import java.math.BigInteger;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Direct conversions between JSON trees and the plain maps the toolkit speaks, with the same value
 * types Jackson's {@code convertValue} would give (ints as {@link Integer} when they fit, floats as
 * {@link Double}). Walking the tree once is several times cheaper than {@code convertValue}, which
 * writes the tree out as tokens and reads it back on every call. Stateless and thread-safe.
 */
final class JsonMaps {

  private static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private JsonMaps() {}

  /** The members of a JSON object as a map in their order. */
  static Map<String, Object> toMap(JsonNode object) {
    Map<String, Object> map = new LinkedHashMap<>();
    Iterator<Map.Entry<String, JsonNode>> fields = object.fields();
    while (fields.hasNext()) {
      Map.Entry<String, JsonNode> field = fields.next();
      map.put(field.getKey(), toValue(field.getValue()));
    }
    return map;
  }

  private static Object toValue(JsonNode node) {
    return switch (node.getNodeType()) {
      case OBJECT -> toMap(node);
      case ARRAY -> {
        List<Object> list = new ArrayList<>(node.size());
        for (JsonNode element : node) {
          list.add(toValue(element));
        }
        yield list;
      }
      case STRING -> node.textValue();
      case BOOLEAN -> node.booleanValue();
      case NUMBER -> number(node);
      case NULL, MISSING -> null;
      default -> throw new IllegalArgumentException("not a JSON value: " + node.getNodeType());
    };
  }

  private static Object number(JsonNode node) {
    if (node.isInt()) {
      return node.intValue();
    }
    if (node.isLong()) {
      return node.longValue();
    }
    if (node.isBigInteger()) {
      return node.bigIntegerValue();
    }
    return node.doubleValue();
  }

  /** A map of plain values (maps, collections, strings, numbers, booleans) as a JSON object. */
  static ObjectNode toObject(Map<?, ?> map, ObjectMapper fallback) {
    ObjectNode object = NODES.objectNode();
    for (Map.Entry<?, ?> entry : map.entrySet()) {
      object.set(String.valueOf(entry.getKey()), toNode(entry.getValue(), fallback));
    }
    return object;
  }

  private static JsonNode toNode(Object value, ObjectMapper fallback) {
    if (value == null) {
      return NODES.nullNode();
    } else if (value instanceof String s) {
      return NODES.textNode(s);
    } else if (value instanceof Boolean b) {
      return NODES.booleanNode(b);
    } else if (value instanceof Integer i) {
      return NODES.numberNode(i);
    } else if (value instanceof Long l) {
      return NODES.numberNode(l);
    } else if (value instanceof Double d) {
      return NODES.numberNode(d);
    } else if (value instanceof BigInteger b) {
      return NODES.numberNode(b);
    } else if (value instanceof BigDecimal b) {
      return NODES.numberNode(b);
    } else if (value instanceof Map<?, ?> m) {
      return toObject(m, fallback);
    } else if (value instanceof Collection<?> c) {
      ArrayNode array = NODES.arrayNode(c.size());
      for (Object element : c) {
        array.add(toNode(element, fallback));
      }
      return array;
    }
    // anything else (other number types, records) the way Jackson would write it
    return fallback.valueToTree(value);
  }
}
