package cloud.tenki.langchain4j;

import cloud.tenki.sandbox.agent.CallOptions;
import cloud.tenki.sandbox.agent.SandboxToolkit;
import cloud.tenki.sandbox.agent.ToolContent;
import cloud.tenki.sandbox.agent.ToolResult;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.invocation.InvocationContext;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.service.tool.ToolExecutionResult;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The path every face call takes: memory id to conversation key, the toolkit call, and the
 * toolkit's result mapped to LangChain4j content (images or their text fallback). Thread-safe.
 */
final class ToolCalls {
  /** Image types models accept in tool results; SVG is text to every provider API. */
  private static final Set<String> SHOWABLE =
      Set.of("image/png", "image/jpeg", "image/gif", "image/webp");

  /** The OpenAI module's request parameters when the model uses the Responses API. */
  private static final String OPENAI_RESPONSES_PARAMETERS = "OpenAiResponsesChatRequestParameters";

  private final SandboxToolkit toolkit;
  private final ImageMode imageMode;
  private final SandboxOutputListener listener;

  ToolCalls(SandboxToolkit toolkit, ImageMode imageMode, SandboxOutputListener listener) {
    this.toolkit = toolkit;
    this.imageMode = imageMode;
    this.listener = listener;
  }

  SandboxToolkit toolkit() {
    return toolkit;
  }

  /** Calls {@code tool} in the conversation of {@code memoryId} (null: the default one). */
  ToolResult call(Object memoryId, String tool, Map<String, ?> arguments) {
    Object id = ConversationKeys.orDefault(memoryId);
    CallOptions options =
        listener == null
            ? CallOptions.none()
            : CallOptions.listener((stream, text) -> listener.onOutput(id, tool, stream, text));
    return toolkit.call(ConversationKeys.of(id), tool, arguments, options);
  }

  /** The result as LangChain4j tool-result content for the model behind {@code context}. */
  List<Content> contents(ToolResult result, InvocationContext context) {
    return contents(result, imagesFor(context));
  }

  /** The result's text for a caller that can take only a string; images are named in it. */
  String text(ToolResult result) {
    return text(contents(result, false));
  }

  private static List<Content> contents(ToolResult result, boolean images) {
    List<Content> out = new ArrayList<>();
    StringBuilder fallback = new StringBuilder();
    List<ImageContent> shown = new ArrayList<>();
    for (ToolContent.Image image : result.images()) {
      byte[] data = image.data();
      if (images && SHOWABLE.contains(image.mimeType())) {
        String base64 = Base64.getEncoder().encodeToString(data);
        shown.add(ImageContent.from(base64, image.mimeType(), ImageContent.DetailLevel.AUTO));
      } else {
        fallback.append(fallback.length() == 0 ? "" : "\n").append(fallbackLine(image, data));
      }
    }
    String text = result.text();
    if (fallback.length() > 0) {
      text = text.isEmpty() ? fallback.toString() : text + "\n" + fallback;
    }
    out.add(TextContent.from(text.isEmpty() ? "(no output)" : text));
    out.addAll(shown);
    return out;
  }

  /** The result as an executor result: content plus the error flag. */
  ToolExecutionResult executionResult(ToolResult result, InvocationContext context) {
    return ToolExecutionResult.builder()
        .isError(result.isError())
        .result(result)
        .resultContents(contents(result, context))
        .build();
  }

  /** The text among {@code contents}, for callers that can take only a string. */
  static String text(List<Content> contents) {
    StringBuilder text = new StringBuilder();
    for (Content c : contents) {
      if (c instanceof TextContent t) {
        text.append(text.length() == 0 ? "" : "\n").append(t.text());
      }
    }
    return text.toString();
  }

  private boolean imagesFor(InvocationContext context) {
    return switch (imageMode) {
      case IMAGES -> true;
      case TEXT -> false;
      case AUTO -> context != null && acceptsImages(context);
    };
  }

  /** What LangChain4j 1.19's provider modules send in tool results (see {@link ImageMode}). */
  static boolean acceptsImages(InvocationContext context) {
    ModelProvider provider = context.modelProvider();
    if (provider == null) {
      return false;
    }
    return switch (provider) {
      case ANTHROPIC -> true;
      case OPEN_AI -> usesResponsesApi(context.defaultRequestParameters());
      default -> false;
    };
  }

  private static boolean usesResponsesApi(ChatRequestParameters parameters) {
    // by class name: this module does not depend on the OpenAI module
    return parameters != null
        && parameters.getClass().getSimpleName().equals(OPENAI_RESPONSES_PARAMETERS);
  }

  private static String fallbackLine(ToolContent.Image image, byte[] data) {
    String line =
        "Image not shown (images cannot be returned to you here): saved to "
            + image.path()
            + ", "
            + size(data.length)
            + " ("
            + image.mimeType()
            + ")";
    // SVG is text: the model can still read its source
    return image.mimeType().equals("image/svg+xml")
        ? line + "; read_file with encoding \"text\" shows its source."
        : line + ".";
  }

  static String size(long bytes) {
    if (bytes < 1024) {
      return bytes + " bytes";
    }
    if (bytes < 1024 * 1024) {
      return String.format(Locale.ROOT, "%.1f KiB", bytes / 1024.0);
    }
    return String.format(Locale.ROOT, "%.1f MiB", bytes / (1024.0 * 1024));
  }
}
