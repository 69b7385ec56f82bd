package cloud.tenki.examples.mcp;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Reading the configuration files the way their clients do, for the tests. */
final class ConfigFiles {
  private static final Pattern VARIABLE =
      Pattern.compile(
          "\\$\\{env:([A-Z_][A-Z0-9_]*)}|\\$\\{([A-Z_][A-Z0-9_]*)}|\\$([A-Z_][A-Z0-9_]*)");

  private ConfigFiles() {}

  /** The words of the {@code claude mcp add} line in {@code script} that registers {@code name}. */
  static List<String> claudeMcpAdd(Path script, String name) throws IOException {
    for (String line : Files.readAllLines(script)) {
      List<String> words = words(line.strip());
      if (words.size() > 3 && words.subList(0, 3).equals(List.of("claude", "mcp", "add"))) {
        int end = words.contains("--") ? words.indexOf("--") : words.size();
        if (words.subList(3, end).contains(name)) {
          return words;
        }
      }
    }
    throw new AssertionError("no `claude mcp add ... " + name + "` line in " + script);
  }

  /** Shell words: blanks separate, double and single quotes group; variables are kept as text. */
  static List<String> words(String line) {
    List<String> words = new ArrayList<>();
    StringBuilder word = null;
    char quote = 0;
    for (char c : line.toCharArray()) {
      if (quote != 0) {
        if (c == quote) {
          quote = 0;
        } else {
          word.append(c);
        }
      } else if (c == '"' || c == '\'') {
        quote = c;
        word = word == null ? new StringBuilder() : word;
      } else if (Character.isWhitespace(c)) {
        if (word != null) {
          words.add(word.toString());
          word = null;
        }
      } else if (c == '#' && word == null) {
        break;
      } else {
        word = word == null ? new StringBuilder() : word;
        word.append(c);
      }
    }
    if (word != null) {
      words.add(word.toString());
    }
    return words;
  }

  /** {@code text} with {@code $NAME}, {@code ${NAME}} and {@code ${env:NAME}} expanded. */
  static String expand(String text, Map<String, String> env) {
    Matcher m = VARIABLE.matcher(text);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String name = m.group(1) != null ? m.group(1) : m.group(2) != null ? m.group(2) : m.group(3);
      String value = env.get(name);
      if (value == null) {
        throw new AssertionError(
            "the configuration uses " + name + ", which the test does not set");
      }
      m.appendReplacement(out, Matcher.quoteReplacement(value));
    }
    m.appendTail(out);
    return out.toString();
  }
}
