package cloud.tenki.mcp.fuzz;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Random;

/**
 * Hostile JSON-RPC input from a seeded generator: random bytes, truncated and mutated messages,
 * wrong types in every field, deep nesting, huge values, unknown methods and odd batches.
 */
final class FuzzInputs {

  private static final List<String> VALID =
      List.of(
          "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ping\"}",
          "{\"jsonrpc\":\"2.0\",\"id\":2,\"method\":\"tools/list\",\"params\":{\"cursor\":\"dG9vbHM6Mg\"}}",
          "{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":\"tools/call\",\"params\":{\"name\":\"echo\","
              + "\"arguments\":{\"text\":\"a\",\"repeat\":2}}}",
          "{\"jsonrpc\":\"2.0\",\"id\":\"x\",\"method\":\"logging/setLevel\",\"params\":{\"level\":\"info\"}}",
          "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":3}}",
          "{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"initialize\",\"params\":{\"protocolVersion\":"
              + "\"2025-11-25\",\"capabilities\":{},\"clientInfo\":{\"name\":\"f\",\"version\":\"1\"}}}");

  private static final List<String> ODD_VALUES =
      List.of(
          "null",
          "true",
          "false",
          "0",
          "-1",
          "1.5e308",
          "1e999999",
          "123456789012345678901234567890",
          "\"\"",
          "\"\\u0000\"",
          "[]",
          "{}",
          "[[[]]]",
          "{\"a\":{}}",
          "\"\\ud800\"",
          "\"" + "\u00e9\u4e2d\ud83d\ude00" + "\"",
          "-0",
          "NaN");

  private static final List<String> FIELDS =
      List.of(
          "jsonrpc",
          "id",
          "method",
          "params",
          "name",
          "arguments",
          "cursor",
          "level",
          "_meta",
          "progressToken",
          "requestId",
          "text",
          "repeat",
          "protocolVersion");

  private final Random random;

  FuzzInputs(long seed) {
    this.random = new Random(seed);
  }

  /** One input line (may itself contain newlines, which split it into several lines). */
  byte[] next(int maxBytes) {
    switch (random.nextInt(9)) {
      case 0:
        return randomBytes(random.nextInt(200));
      case 1:
        {
          String valid = pick(VALID);
          return bytes(valid.substring(0, random.nextInt(valid.length())));
        }
      case 2:
        return bytes(replaceValue(pick(VALID)));
      case 3:
        return bytes(nested(random.nextInt(2) == 0 ? "[" : "{\"a\":", 10 + random.nextInt(5000)));
      case 4:
        return bytes(
            "{\"jsonrpc\":\"2.0\",\"id\":9,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"echo\",\"arguments\":{\"text\":\""
                + "y".repeat(maxBytes + random.nextInt(100))
                + "\"}}}");
      case 5:
        return bytes(
            "{\"jsonrpc\":\"2.0\",\"id\":"
                + random.nextInt(100)
                + ",\"method\":\""
                + randomWord()
                + "/"
                + randomWord()
                + "\",\"params\":{}}");
      case 6:
        return bytes("[" + pick(VALID) + "," + pick(ODD_VALUES) + "," + pick(VALID) + "]");
      case 7:
        return bytes(flipChars(pick(VALID)));
      default:
        return bytes(
            "{\"jsonrpc\":\"2.0\",\"id\":5,\"method\":\"tools/call\",\"params\":{\"name\":"
                + "\"echo\",\"arguments\":{\"text\":"
                + pick(ODD_VALUES)
                + ",\"repeat\":"
                + pick(ODD_VALUES)
                + "},\"_meta\":{\"progressToken\":"
                + pick(ODD_VALUES)
                + "}}}");
    }
  }

  private String replaceValue(String json) {
    String field = pick(FIELDS);
    String key = "\"" + field + "\":";
    int at = json.indexOf(key);
    if (at < 0) {
      return json.replaceFirst("\\{", "{" + key + pick(ODD_VALUES) + ",");
    }
    int start = at + key.length();
    int end = start;
    int depth = 0;
    boolean inString = false;
    for (; end < json.length(); end++) {
      char c = json.charAt(end);
      if (c == '"' && (end == 0 || json.charAt(end - 1) != '\\')) {
        inString = !inString;
      } else if (!inString && (c == '{' || c == '[')) {
        depth++;
      } else if (!inString && (c == '}' || c == ']')) {
        if (depth == 0) {
          break;
        }
        depth--;
      } else if (!inString && c == ',' && depth == 0) {
        break;
      }
    }
    return json.substring(0, start) + pick(ODD_VALUES) + json.substring(end);
  }

  private String flipChars(String json) {
    char[] chars = json.toCharArray();
    for (int i = 0; i < 1 + random.nextInt(4); i++) {
      chars[random.nextInt(chars.length)] = (char) (32 + random.nextInt(95));
    }
    return new String(chars);
  }

  private static String nested(String open, int depth) {
    String close = open.equals("[") ? "]" : "}";
    return open.repeat(depth) + "1" + close.repeat(depth);
  }

  private byte[] randomBytes(int length) {
    byte[] bytes = new byte[length];
    random.nextBytes(bytes);
    return bytes;
  }

  private String randomWord() {
    StringBuilder word = new StringBuilder();
    for (int i = 0; i < 1 + random.nextInt(10); i++) {
      word.append((char) ('a' + random.nextInt(26)));
    }
    return word.toString();
  }

  private <T> T pick(List<T> items) {
    return items.get(random.nextInt(items.size()));
  }

  private static byte[] bytes(String text) {
    return text.getBytes(StandardCharsets.UTF_8);
  }
}
