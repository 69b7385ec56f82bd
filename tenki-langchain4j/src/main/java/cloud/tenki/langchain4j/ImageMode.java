package cloud.tenki.langchain4j;

/**
 * How images a tool produces (a plot written by {@code run_code}, an image read with {@code
 * read_file}) reach the model.
 *
 * <p>LangChain4j 1.19 carries images in tool results ({@code ToolExecutionResultMessage} contents),
 * but not every provider module sends them: the Anthropic module and the OpenAI Responses API
 * module do; the OpenAI Chat Completions module ({@code OpenAiChatModel}) rejects a tool result
 * with an image and fails the whole request. Where an image cannot be shown, the result's text
 * names the file instead ("saved to /home/tenki/output/plot.png, 41.0 KiB") so the model can still
 * refer to it or serve it.
 */
public enum ImageMode {
  /**
   * Images for models known to accept them in tool results (provider {@code ANTHROPIC}, and {@code
   * OPEN_AI} through the Responses API), text for every other model and when the model is unknown
   * (a tool called outside an AI service). The default.
   */
  AUTO,
  /** Always images (PNG, JPEG, GIF, WebP); pick this for a model you know accepts them. */
  IMAGES,
  /** Never images: the text names each image's path, type and size. */
  TEXT
}
