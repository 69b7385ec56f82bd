package cloud.tenki.examples.demo;

import cloud.tenki.sandbox.agent.ToolResult;
import com.fasterxml.jackson.core.type.TypeReference;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.langchain4j.service.tool.BeforeToolExecution;
import dev.langchain4j.service.tool.ToolExecution;
import java.io.PrintStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Prints the demo as it happens: requests and answers, each tool call with its arguments in short,
 * the command output as it streams (the first lines, then a running count), and what each result
 * gave the model. Plain ASCII, so it reads the same in any terminal. Thread-safe: streamed output
 * arrives on SDK threads while the conversation blocks the main thread.
 */
final class Transcript {
  private static final int STREAMED_LINES_SHOWN = 8;
  private static final int RESULT_LINES_SHOWN = 12;
  private static final ObjectMapper JSON = new ObjectMapper();

  private final PrintStream out;
  private final long started = System.nanoTime();
  private final List<ToolExecution> executions = new ArrayList<>();
  private final StringBuilder partialLine = new StringBuilder();
  private int streamedLines;
  private long streamedChars;

  Transcript(PrintStream out) {
    this.out = out;
  }

  synchronized void heading(String text) {
    out.println();
    out.println("== " + text + " " + "=".repeat(Math.max(3, 90 - text.length())));
  }

  synchronized void step(String text) {
    out.printf(Locale.ROOT, "[%5.1fs] %s%n", seconds(), text);
  }

  synchronized void detail(String text) {
    text.lines().forEach(l -> out.println("          " + l));
  }

  synchronized void speaker(String who, String text) {
    out.println();
    List<String> lines = text.strip().lines().toList();
    for (int i = 0; i < lines.size(); i++) {
      out.println((i == 0 ? String.format("%-10s", who + ":") : "          ") + lines.get(i));
    }
  }

  /** Before a tool runs: its name and arguments in short. */
  synchronized void toolCall(BeforeToolExecution call) {
    streamedLines = 0;
    streamedChars = 0;
    partialLine.setLength(0);
    out.println();
    out.printf(
        Locale.ROOT,
        "[%5.1fs]   -> %s %s%n",
        seconds(),
        call.request().name(),
        shortArguments(call.request().arguments()));
  }

  /** Command output as it streams (the output listener of the LangChain4j face). */
  synchronized void streamed(String text) {
    streamedChars += text.length();
    partialLine.append(text);
    int nl;
    while ((nl = partialLine.indexOf("\n")) >= 0) {
      String line = partialLine.substring(0, nl);
      partialLine.delete(0, nl + 1);
      if (++streamedLines <= STREAMED_LINES_SHOWN) {
        out.println("             | " + line);
      } else if (streamedLines % 10_000 == 0) {
        out.printf(Locale.ROOT, "             | ... %,d lines so far%n", streamedLines);
      }
    }
  }

  /** After a tool ran: what the model got back. */
  synchronized void toolResult(ToolExecution execution) {
    executions.add(execution);
    if (streamedLines > STREAMED_LINES_SHOWN) {
      out.printf(
          Locale.ROOT,
          "             | ... streamed %,d lines (%,d characters) in all%n",
          streamedLines,
          streamedChars);
    }
    boolean error =
        execution.hasFailed() || (execution.resultObject() instanceof ToolResult r && r.isError());
    List<String> lines = execution.result().lines().toList();
    out.printf(
        Locale.ROOT,
        "[%5.1fs]   <- %s %s in %d ms; the model reads %,d characters:%n",
        seconds(),
        execution.request().name(),
        error ? "FAILED" : "done",
        execution.duration().toMillis(),
        execution.result().length());
    printShortened(lines);
  }

  /**
   * The first lines of a result, then any truncation markers further down (they are what the demo
   * is showing), then the last line, with counts of what was skipped in between.
   */
  private void printShortened(List<String> lines) {
    lines.stream().limit(RESULT_LINES_SHOWN).forEach(l -> out.println("             " + l));
    int skipped = 0;
    for (int i = RESULT_LINES_SHOWN; i < lines.size(); i++) {
      String line = lines.get(i);
      boolean marker = line.startsWith("[... ") && line.endsWith(" ...]");
      if (marker || i == lines.size() - 1) {
        skippedLines(skipped);
        skipped = 0;
        out.println("             " + line);
      } else {
        skipped++;
      }
    }
  }

  private void skippedLines(int count) {
    if (count > 0) {
      out.printf(Locale.ROOT, "             ... (%d more lines)%n", count);
    }
  }

  synchronized List<ToolExecution> executions() {
    return List.copyOf(executions);
  }

  double seconds() {
    return (System.nanoTime() - started) / 1e9;
  }

  /** Each argument on one line; long strings shortened to their first line and their size. */
  static String shortArguments(String json) {
    Map<String, Object> args;
    try {
      args = JSON.readValue(json, new TypeReference<LinkedHashMap<String, Object>>() {});
    } catch (Exception e) {
      return json;
    }
    StringBuilder b = new StringBuilder();
    args.forEach(
        (k, v) -> {
          String s = String.valueOf(v);
          String first = s.lines().findFirst().orElse("");
          boolean cut = first.length() > 70 || first.length() < s.length();
          if (first.length() > 70) {
            first = first.substring(0, 67) + "...";
          }
          b.append(b.length() == 0 ? "" : " ").append(k).append('=');
          b.append(v instanceof String ? '"' + first + '"' : first);
          if (cut) {
            b.append(
                String.format(
                    Locale.ROOT, "(+%,d lines, %,d chars)", s.lines().count() - 1, s.length()));
          }
        });
    return b.toString();
  }
}
