package cloud.tenki.examples.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Plays the model of the demo when no API key is set: for each of the demo's requests it makes the
 * tool calls a capable model would make, one per turn, reading earlier results the way a model does
 * (the spill file's path, the web server's output), then answers from what the tools returned. Only
 * the decisions are canned; every tool call really runs. Thread-safe.
 */
final class DemoScript implements ChatModel {
  /** The demo's requests, in order; {@link #doChat} recognises them by position. */
  static final List<String> REQUESTS =
      List.of(
          "Create data/readings.csv with a week of hourly temperatures (columns hour,sensor,celsius)"
              + " from three sensors, north, south and roof: a daily sine wave with a little noise."
              + " Then analyse it with Python: mean, min and max per sensor, and save a line chart"
              + " of all three to /home/tenki/output/chart.png (if matplotlib is missing, draw the"
              + " PNG with the standard library: zlib and struct).",
          "Print the minute-by-minute log of the whole week (interpolate between the hours), then"
              + " tell me exactly what sensor south read at 11:00 on day 4.",
          "Publish the summary and the chart as a small web page and give me a link I can open.");

  static final int WEB_PORT = 8000;
  static final int LOG_LINE_SOUTH_DAY4_1100 = 15001;

  private static final Pattern SPILL = Pattern.compile("full output in (\\S+\\.stdout)");
  private static final Pattern URL = Pattern.compile("(https?://\\S+?)(?: until |\\.?$|\\s)");
  private static final Pattern PROCESS_ID = Pattern.compile("Background process (\\S+) is running");
  private static final ObjectMapper JSON = new ObjectMapper();

  private final AtomicInteger ids = new AtomicInteger();

  @Override
  public ChatResponse doChat(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    int turn = userMessages(messages) - 1;
    List<String> results = resultsOfThisTurn(messages);
    AiMessage reply =
        switch (turn) {
          case 0 -> analyse(results);
          case 1 -> minuteLog(results);
          case 2 -> publish(results);
          default -> AiMessage.from("That is all the demo script knows.");
        };
    return ChatResponse.builder().aiMessage(reply).build();
  }

  private AiMessage analyse(List<String> r) {
    return switch (r.size()) {
      case 0 -> call("write_file", args("path", SensorData.PATH, "content", SensorData.csv()));
      case 1 -> call("run_code", args("language", "python", "code", script("analyse.py")));
      default ->
          AiMessage.from(
              "Here is the analysis, computed in the sandbox:\n"
                  + stdout(r.get(1))
                  + "The chart is in /home/tenki/output/chart.png.");
    };
  }

  private AiMessage minuteLog(List<String> r) {
    return switch (r.size()) {
      case 0 -> call("run_code", args("language", "python", "code", script("minute_log.py")));
      case 1 -> {
        Matcher spill = SPILL.matcher(r.get(0));
        if (!spill.find()) {
          yield AiMessage.from("The log fit in my context; no spill file was needed.");
        }
        Map<String, Object> args = new LinkedHashMap<>();
        args.put("path", spill.group(1));
        args.put("start_line", LOG_LINE_SOUTH_DAY4_1100);
        args.put("end_line", LOG_LINE_SOUTH_DAY4_1100 + 2);
        yield call("read_file", args);
      }
      default -> {
        String line =
            r.get(1)
                .lines()
                .filter(l -> l.contains("south") && l.contains("day 4 11:00"))
                .findFirst()
                .orElse("(not found)");
        yield AiMessage.from(
            "The log was too long to show whole, so I paged through the saved copy. At 11:00 on"
                + " day 4 sensor south read: "
                + line.strip());
      }
    };
  }

  private AiMessage publish(List<String> r) {
    if (r.isEmpty()) {
      return call("run_code", args("language", "python", "code", script("publish.py")));
    }
    if (r.size() == 1) {
      return call(
          "run_command",
          args(
              "command",
              "python3 -u -m http.server " + WEB_PORT + " --bind 0.0.0.0 --directory site",
              "background",
              true));
    }
    String last = r.get(r.size() - 1);
    Matcher url = URL.matcher(last);
    if (last.contains("is exposed at") && url.find()) {
      return AiMessage.from(
          "Your page is live at " + url.group(1) + " (the summary table and the chart).");
    }
    if (last.contains("Serving HTTP")) {
      return call("expose_port", args("port", WEB_PORT));
    }
    Matcher id = PROCESS_ID.matcher(r.get(1));
    if (r.size() < 5 && id.find()) {
      // not listening yet: wait for the server's first output, as a model would
      return call("read_process_output", args("process_id", id.group(1), "wait_seconds", 2));
    }
    return AiMessage.from("I could not publish the page: " + last);
  }

  /** Arguments in the order given, as a model writes them (and so the transcript shows them). */
  private static Map<String, Object> args(Object... namesAndValues) {
    Map<String, Object> out = new LinkedHashMap<>();
    for (int i = 0; i < namesAndValues.length; i += 2) {
      out.put((String) namesAndValues[i], namesAndValues[i + 1]);
    }
    return out;
  }

  private AiMessage call(String tool, Map<String, ?> arguments) {
    try {
      return AiMessage.from(
          ToolExecutionRequest.builder()
              .id("call-" + ids.incrementAndGet())
              .name(tool)
              .arguments(JSON.writeValueAsString(arguments))
              .build());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** The stdout section of a run_code result. */
  private static String stdout(String result) {
    int start = result.indexOf("--- stdout ---\n");
    if (start < 0) {
      return result + "\n";
    }
    String rest = result.substring(start + "--- stdout ---\n".length());
    int end = rest.indexOf("\n---");
    return end < 0 ? rest + "\n" : rest.substring(0, end + 1);
  }

  static String script(String name) {
    try (InputStream in = DemoScript.class.getResourceAsStream(name)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + name);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static int userMessages(List<ChatMessage> messages) {
    return (int) messages.stream().filter(UserMessage.class::isInstance).count();
  }

  /** The tool results since the last user message, oldest first. */
  private static List<String> resultsOfThisTurn(List<ChatMessage> messages) {
    List<String> out = new ArrayList<>();
    for (int i = messages.size() - 1; i >= 0 && !(messages.get(i) instanceof UserMessage); i--) {
      if (messages.get(i) instanceof ToolExecutionResultMessage t) {
        out.add(0, t.text());
      }
    }
    return out;
  }
}
