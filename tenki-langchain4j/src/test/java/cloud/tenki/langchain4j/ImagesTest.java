package cloud.tenki.langchain4j;

import static cloud.tenki.langchain4j.ToolResultsTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.TenkiClient;
import dev.langchain4j.data.message.Content;
import dev.langchain4j.data.message.ImageContent;
import dev.langchain4j.data.message.TextContent;
import dev.langchain4j.data.message.ToolExecutionResultMessage;
import dev.langchain4j.model.ModelProvider;
import dev.langchain4j.model.chat.request.ChatRequestParameters;
import dev.langchain4j.model.chat.request.DefaultChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiChatRequestParameters;
import dev.langchain4j.model.openai.OpenAiResponsesChatRequestParameters;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Images made by {@code run_code} and read with {@code read_file} reach models that accept images
 * in tool results as image content, and every other model as a line of text naming the file.
 */
class ImagesTest {
  /** Writes an 8x8 red PNG with the standard library only (no plotting package needed). */
  static final String MAKE_PNG =
      String.join(
          "\n",
          "import os, struct, zlib",
          "def chunk(kind, data):",
          "    body = kind + data",
          "    return struct.pack('>I', len(data)) + body + struct.pack('>I', zlib.crc32(body))",
          "rows = b''.join(b'\\x00' + b'\\xff\\x00\\x00' * 8 for _ in range(8))",
          "png = (b'\\x89PNG\\r\\n\\x1a\\n'",
          "       + chunk(b'IHDR', struct.pack('>IIBBBBB', 8, 8, 8, 2, 0, 0, 0))",
          "       + chunk(b'IDAT', zlib.compress(rows)) + chunk(b'IEND', b''))",
          "open(os.path.join(os.environ['TENKI_OUTPUT_DIR'], 'plot.png'), 'wb').write(png)",
          "print('plotted')");

  private static final String SVG =
      "<svg xmlns='http://www.w3.org/2000/svg' width='4' height='4'></svg>";

  private static TenkiClient client;
  private TenkiLangChain4j tenki;

  @BeforeAll
  static void startEngine() {
    client = TenkiClient.builder().environment(Map.of()).localEngine().build();
  }

  @AfterAll
  static void stopEngine() {
    client.close();
  }

  @AfterEach
  void endConversations() {
    if (tenki != null) {
      tenki.close();
    }
  }

  /** A model (as the AI service reports it to tools) and the image mode configured. */
  enum Model {
    ANTHROPIC(ModelProvider.ANTHROPIC, DefaultChatRequestParameters.EMPTY, ImageMode.AUTO, true),
    OPENAI_RESPONSES(
        ModelProvider.OPEN_AI,
        OpenAiResponsesChatRequestParameters.builder().build(),
        ImageMode.AUTO,
        true),
    OPENAI_CHAT_COMPLETIONS(
        ModelProvider.OPEN_AI,
        OpenAiChatRequestParameters.builder().build(),
        ImageMode.AUTO,
        false),
    UNKNOWN(ModelProvider.OTHER, DefaultChatRequestParameters.EMPTY, ImageMode.AUTO, false),
    UNKNOWN_FORCED(ModelProvider.OTHER, DefaultChatRequestParameters.EMPTY, ImageMode.IMAGES, true),
    ANTHROPIC_TEXT_ONLY(
        ModelProvider.ANTHROPIC, DefaultChatRequestParameters.EMPTY, ImageMode.TEXT, false);

    final ModelProvider provider;
    final ChatRequestParameters parameters;
    final ImageMode mode;
    final boolean showsImages;

    Model(
        ModelProvider provider,
        ChatRequestParameters parameters,
        ImageMode mode,
        boolean showsImages) {
      this.provider = provider;
      this.parameters = parameters;
      this.mode = mode;
      this.showsImages = showsImages;
    }
  }

  @ParameterizedTest
  @EnumSource(Model.class)
  void plotsAndImageFilesReachTheModelAsImagesOrAsText(Model m) {
    for (Faces face : Faces.values()) {
      tenki = TenkiLangChain4j.builder().client(client).imageMode(m.mode).build();
      ScriptedChatModel model =
          new ScriptedChatModel(m.provider, m.parameters)
              .call("run_code", json(Map.of("language", "python", "code", MAKE_PNG)))
              .call("read_file", "{\"path\":\"/home/tenki/output/plot.png\"}")
              .call("write_file", json(Map.of("path", "pic.svg", "content", SVG)))
              .call("read_file", "{\"path\":\"pic.svg\",\"encoding\":\"auto\"}")
              .answer("seen");

      face.assistant(tenki, model).chat("leo", "plot");
      tenki.close();

      List<ToolExecutionResultMessage> results = model.toolResults();
      String ran = ScriptedChatModel.text(results.get(0));
      assertThat(ran)
          .as(face + " " + m)
          .contains("plotted")
          .contains("/home/tenki/output/plot.png");
      for (ToolExecutionResultMessage r : List.of(results.get(0), results.get(1))) {
        if (m.showsImages) {
          ImageContent image = onlyImage(r.contents());
          assertThat(image.image().mimeType()).isEqualTo("image/png");
          byte[] png = Base64.getDecoder().decode(image.image().base64Data());
          assertThat(png).startsWith(0x89, 'P', 'N', 'G');
        } else {
          assertThat(r.contents())
              .as(face + " " + m)
              .singleElement()
              .isInstanceOf(TextContent.class);
          assertThat(r.text()).contains("saved to /home/tenki/output/plot.png").contains("bytes");
        }
      }
      // SVG is text to every provider: never sent as an image
      assertThat(results.get(3).contents()).singleElement().isInstanceOf(TextContent.class);
    }
  }

  private static ImageContent onlyImage(List<Content> contents) {
    List<ImageContent> images =
        contents.stream()
            .filter(ImageContent.class::isInstance)
            .map(ImageContent.class::cast)
            .toList();
    assertThat(images).hasSize(1);
    assertThat(contents.get(0)).isInstanceOf(TextContent.class);
    return images.get(0);
  }
}
