package cloud.tenki.langchain4j;

import dev.langchain4j.agent.tool.ToolExecutionRequest;
import dev.langchain4j.data.message.AiMessage;
import dev.langchain4j.data.message.ChatMessage;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.data.message.UserMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.ChatModel;
import dev.langchain4j.model.chat.request.ChatRequest;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.chat.response.ChatResponse;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

/**
 * A chat model that plays a script: each request takes the next step, which answers with tool calls
 * or text. It records every request, so a test sees exactly what the model was shown (tool
 * specifications, tool results). Thread-safe.
 */
final class ScriptedChatModel implements ChatModel {
  private final Deque<Function<ChatRequest, AiMessage>> steps = new ArrayDeque<>();
  private final List<ChatRequest> requests = new ArrayList<>();
  private final AtomicInteger ids = new AtomicInteger();
  private final ModelProvider provider;
  private final ChatRequestParameters parameters;

  ScriptedChatModel() {
    this(ModelProvider.OTHER, DefaultChatRequestParameters.EMPTY);
  }

  ScriptedChatModel(ModelProvider provider, ChatRequestParameters parameters) {
    this.provider = provider;
    this.parameters = parameters;
  }

  /** Adds a step that calls {@code tool} with {@code jsonArguments}. */
  synchronized ScriptedChatModel call(String tool, String jsonArguments) {
    return step(r -> AiMessage.from(request(tool, jsonArguments)));
  }

  /** Adds a step that calls {@code tool} with arguments computed from what the model sees. */
  synchronized ScriptedChatModel call(String tool, Function<ChatRequest, String> arguments) {
    return step(r -> AiMessage.from(request(tool, arguments.apply(r))));
  }

  /** Adds a step that calls several tools at once. */
  synchronized ScriptedChatModel callAll(String... toolsAndArguments) {
    return step(
        r -> {
          List<ToolExecutionRequest> calls = new ArrayList<>();
          for (int i = 0; i < toolsAndArguments.length; i += 2) {
            calls.add(request(toolsAndArguments[i], toolsAndArguments[i + 1]));
          }
          return AiMessage.from(calls);
        });
  }

  /** Adds a step that answers with the text of the last tool result it was shown. */
  synchronized ScriptedChatModel answerWithLastToolResult() {
    return step(r -> AiMessage.from("Tool said: " + text(lastToolResult(r))));
  }

  /** Adds a step that answers {@code text}. */
  synchronized ScriptedChatModel answer(String text) {
    return step(r -> AiMessage.from(text));
  }

  synchronized ScriptedChatModel step(Function<ChatRequest, AiMessage> step) {
    steps.add(step);
    return this;
  }

  @Override
  public ChatResponse doChat(ChatRequest request) {
    Function<ChatRequest, AiMessage> step;
    synchronized (this) {
      requests.add(request);
      step = steps.poll();
    }
    if (step == null) {
      throw new IllegalStateException("the script has no step left for " + request.messages());
    }
    return ChatResponse.builder().aiMessage(step.apply(request)).build();
  }

  @Override
  public ModelProvider provider() {
    return provider;
  }

  @Override
  public ChatRequestParameters defaultRequestParameters() {
    return parameters;
  }

  /** Every request so far. */
  synchronized List<ChatRequest> requests() {
    return List.copyOf(requests);
  }

  /** Steps not played yet. */
  synchronized int remainingSteps() {
    return steps.size();
  }

  /** Every tool result the model was shown, in order, once each. */
  synchronized List<ToolExecutionResultMessage> toolResults() {
    Map<String, ToolExecutionResultMessage> byId = new LinkedHashMap<>();
    for (ChatRequest r : requests) {
      for (ChatMessage m : r.messages()) {
        if (m instanceof ToolExecutionResultMessage t) {
          byId.putIfAbsent(t.id(), t);
        }
      }
    }
    return List.copyOf(byId.values());
  }

  /** The text of every tool result the model was shown, in order. */
  List<String> toolResultTexts() {
    return toolResults().stream().map(ScriptedChatModel::text).toList();
  }

  /** The text contents of a tool result, joined. */
  static String text(ToolExecutionResultMessage m) {
    StringBuilder b = new StringBuilder();
    m.contents().stream()
        .filter(c -> c instanceof TextContent)
        .forEach(c -> b.append(((TextContent) c).text()));
    return b.toString();
  }

  /** The newest tool result in {@code request}. */
  static ToolExecutionResultMessage lastToolResult(ChatRequest request) {
    List<ChatMessage> messages = request.messages();
    for (int i = messages.size() - 1; i >= 0; i--) {
      if (messages.get(i) instanceof ToolExecutionResultMessage t) {
        return t;
      }
      if (messages.get(i) instanceof UserMessage) {
        break;
      }
    }
    throw new IllegalStateException("no tool result since the last user message");
  }

  private ToolExecutionRequest request(String tool, String arguments) {
    return ToolExecutionRequest.builder()
        .id("call-" + ids.incrementAndGet())
        .name(tool)
        .arguments(arguments)
        .build();
  }

  private static final AtomicInteger STEP_IDS = new AtomicInteger();

  /** A message calling {@code tool}, for steps that decide at run time what to call. */
  static AiMessage callMessage(String tool, String arguments) {
    return AiMessage.from(
        ToolExecutionRequest.builder()
            .id("step-call-" + STEP_IDS.incrementAndGet())
            .name(tool)
            .arguments(arguments)
            .build());
  }
}
