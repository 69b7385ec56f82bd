package cloud.tenki.examples.demo;

import cloud.tenki.examples.ExampleEnvironment;
import cloud.tenki.examples.Models;
import cloud.tenki.langchain4j.TenkiLangChain4j;
import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.agent.OutputBudget;
import cloud.tenki.sandbox.agent.SandboxTemplate;
import dev.langchain4j.memory.chat.MessageWindowChatMemory;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.service.AiServices;
import dev.langchain4j.service.MemoryId;
import dev.langchain4j.service.UserMessage;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * The main demo: an AI agent with a real computer. A LangChain4j assistant, given the Tenki sandbox
 * tools ({@link TenkiLangChain4j}), works in a sandbox of the embedded local engine: it writes a
 * data file, analyses it with Python and draws a chart, meets an output too large for its context
 * (and pages through the saved copy), and publishes a web page whose preview URL this program then
 * fetches from the host.
 *
 * <pre>
 * ./mvnw -q -pl examples -am verify -Pdemo -DskipTests
 * </pre>
 *
 * <p>With {@code OPENAI_API_KEY} or {@code ANTHROPIC_API_KEY} set a real model drives the tools;
 * without, {@link DemoScript} makes the calls a model would make. Output: a transcript on stdout,
 * the chart in {@code target/demo/chart.png}.
 */
public final class Demo {
  static final String USER = "demo-user";

  /** The assistant: one chat memory, and so one sandbox, per user. */
  interface Assistant {
    String chat(@MemoryId String user, @UserMessage String request);
  }

  private Demo() {}

  public static void main(String[] args) {
    List<String> problems = Preflight.system().problems();
    if (!problems.isEmpty()) {
      System.out.println("The demo cannot run on this machine:");
      problems.forEach(p -> System.out.println("  - " + p));
      System.exit(2);
    }
    Models.Choice model = Models.fromEnvironment(ExampleEnvironment.system(), DemoScript::new);
    Transcript transcript = new Transcript(System.out);
    transcript.step("Starting the embedded local engine...");
    DemoResult result;
    try (TenkiLangChain4j tenki = build(transcript)) {
      result = run(model, tenki, transcript, Path.of("target", "demo"));
    } catch (IllegalStateException | UncheckedIOException | TenkiException e) {
      // the engine refuses to start with a message saying what the machine lacks
      System.out.println("The demo stopped: " + e.getMessage());
      System.out.println("See docs/troubleshooting.md.");
      System.exit(2);
      return;
    }
    System.exit(result.succeeded() ? 0 : 1);
  }

  /**
   * The demo's sandbox tools on the embedded local engine: output budgets small enough to show
   * truncation on screen, streamed output to the transcript.
   */
  static TenkiLangChain4j build(Transcript transcript) {
    return TenkiLangChain4j.builder()
        .localEngine()
        .configureToolkit(
            t ->
                t.stdoutBudget(OutputBudget.ofChars(2_000))
                    .stderrBudget(OutputBudget.ofChars(2_000))
                    .defaultTimeout(Duration.ofMinutes(1))
                    .maxSandboxes(2)
                    .template(SandboxTemplate.builder().lifetime(Duration.ofMinutes(15)).build()))
        .outputListener((memoryId, tool, stream, text) -> transcript.streamed(text))
        .build();
  }

  /** Runs the conversation, then checks its results from the host; prints as it goes. */
  static DemoResult run(
      Models.Choice model, TenkiLangChain4j tenki, Transcript transcript, Path outputDir) {
    transcript.heading("Tenki demo: an AI agent with a real computer");
    transcript.step("Model: " + model.description());
    transcript.step(
        "Sandboxes: the embedded local engine (this JVM); the agent's tools come from"
            + " tenki-langchain4j.");
    String ready = tenki.codeExecutionEngine("sh", USER, 60L).execute("true");
    if (!ready.startsWith("Exit code 0")) {
      transcript.step("The sandbox did not start: " + ready);
      transcript.detail("See docs/troubleshooting.md; the engine's log above has the details.");
      return DemoResult.failed("the sandbox did not start: " + ready);
    }
    transcript.step("Sandbox started for " + USER + " (isolated: own namespaces, /home/tenki).");
    Assistant assistant = assistant(model.model(), tenki, transcript);
    for (int i = 0; i < DemoScript.REQUESTS.size(); i++) {
      transcript.heading("Request " + (i + 1) + " of " + DemoScript.REQUESTS.size());
      String request = DemoScript.REQUESTS.get(i);
      transcript.speaker("user", request);
      transcript.speaker("assistant", assistant.chat(USER, request));
    }
    transcript.heading("Checked from the host");
    DemoResult result = HostChecks.run(transcript.executions(), outputDir, transcript);
    transcript.heading(
        String.format(
            java.util.Locale.ROOT,
            "%s in %.1f s",
            result.succeeded() ? "Done" : "Done, with problems",
            transcript.seconds()));
    return result;
  }

  private static Assistant assistant(ChatModel model, TenkiLangChain4j tenki, Transcript t) {
    return AiServices.builder(Assistant.class)
        .chatModel(model)
        .systemMessage(tenki.instructions())
        .chatMemoryProvider(
            tenki.chatMemoryProvider(
                id -> MessageWindowChatMemory.builder().id(id).maxMessages(60).build()))
        .toolProvider(tenki.toolProvider())
        .beforeToolExecution(t::toolCall)
        .afterToolExecution(t::toolResult)
        .maxSequentialToolsInvocations(30)
        .build();
  }
}
