package cloud.tenki.examples.demo;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

import cloud.tenki.examples.Models;
import cloud.tenki.langchain4j.TenkiLangChain4j;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs the main demo with the scripted model on the embedded local engine and checks what each step
 * really produced, on the host and in the transcript.
 */
class DemoTest {
  private static final Models.Choice SCRIPTED =
      new Models.Choice(new DemoScript(), "scripted (test)", true);

  @TempDir static Path outputDir;
  static DemoResult result;
  static String transcript;

  @BeforeAll
  static void runTheDemo() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      Transcript t = new Transcript(out);
      try (TenkiLangChain4j tenki = Demo.build(t)) {
        result = Demo.run(SCRIPTED, tenki, t, outputDir);
      }
    }
    transcript = bytes.toString(StandardCharsets.UTF_8);
  }

  @Test
  void succeedsAndSaysWhichModelPlayed() {
    assertThat(result.problems()).isEmpty();
    assertThat(transcript).contains("Model: scripted (test)").contains("Done in");
  }

  @Test
  void theDataFileWasWrittenAndAnalysedInTheSandbox() {
    assertThat(transcript).contains("-> write_file path=\"data/readings.csv\"");
    // the means Python printed are those of the data written, computed here independently
    for (Map.Entry<String, SensorData.Stats> e : SensorData.stats().entrySet()) {
      Matcher row =
          Pattern.compile("\\| " + e.getKey() + "\\s+(-?[\\d.]+)\\s+(-?[\\d.]+)\\s+(-?[\\d.]+)")
              .matcher(transcript);
      assertThat(row.find()).as("a summary row for %s", e.getKey()).isTrue();
      assertThat(Double.parseDouble(row.group(1))).isCloseTo(e.getValue().mean(), within(0.006));
      assertThat(Double.parseDouble(row.group(2))).isEqualTo(e.getValue().min());
      assertThat(Double.parseDouble(row.group(3))).isEqualTo(e.getValue().max());
    }
  }

  @Test
  void theChartWasCopiedOutAndIsAValidPng() throws Exception {
    assertThat(result.chartFile()).isEqualTo(outputDir.resolve("chart.png").toAbsolutePath());
    byte[] png = Files.readAllBytes(result.chartFile());
    assertThat(png).startsWith(0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n');
    assertThat(result.chartWidth()).isEqualTo(640);
    assertThat(result.chartHeight()).isEqualTo(320);
    // a line chart of three week-long series is more than a blank image (which compresses to ~1 KB)
    assertThat(png.length).isBetween(3_000, 200_000);
    assertThat(transcript).contains("copied to " + result.chartFile() + " (a valid PNG, 640 x 320");
    assertThat(transcript)
        .containsPattern(
            "chart saved to \\S+/chart\\.png, drawn with (matplotlib|the standard library)");
  }

  @Test
  void theLargeOutputWasTruncatedStreamedAndPaged() {
    assertThat(result.spillFile()).startsWith("/home/tenki/.tenki/output/").endsWith(".stdout");
    assertThat(transcript)
        .contains("streamed 30,060 lines")
        .containsPattern("\\[\\.\\.\\. [\\d,]+ bytes \\([\\d,]+ lines\\) of stdout omitted here");
    // line 15001 of the full output, read back from the spill file
    String expected = String.format(Locale.ROOT, "%-6s day 4 11:00", "south");
    assertThat(result.pagedText()).contains("lines 15001-15003 of 30060").contains(expected);
    assertThat(transcript).contains("sensor south read: " + expected);
  }

  @Test
  void thePublishedPageWasFetchedFromTheHostThroughThePreview() {
    assertThat(result.previewUrl()).matches("http://127\\.0\\.0\\.1:\\d+/");
    assertThat(result.pageStatus()).isEqualTo(200);
    SensorData.Stats south = SensorData.stats().get("south");
    assertThat(result.pageBody())
        .contains("<title>Sensor week</title>")
        .contains(String.format(Locale.ROOT, "<td>south</td><td>%.2f</td>", south.mean()));
    assertThat(result.chartServed()).isTrue();
    assertThat(result.chartContentType()).isEqualTo("image/png");
    assertThat(transcript).contains("Your page is live at " + result.previewUrl());
  }
}
