package cloud.tenki.examples.demo;

import cloud.tenki.sandbox.agent.ToolContent;
import cloud.tenki.sandbox.agent.ToolResult;
import dev.langchain4j.service.tool.ToolExecution;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import javax.imageio.ImageIO;

/**
 * After the conversation, checks from the host what the agent did in the sandbox: the chart it drew
 * (copied out of the sandbox from the tool result and decoded as a PNG), the output that was too
 * large for the model (and the page it read from the saved copy), and the web page it published
 * (fetched through the preview URL with the JDK's HTTP client).
 */
final class HostChecks {
  private HostChecks() {}

  static DemoResult run(List<ToolExecution> executions, Path outputDir, Transcript t) {
    DemoResult.Builder r = new DemoResult.Builder();
    chart(executions, outputDir, t, r);
    truncation(executions, t, r);
    preview(executions, t, r);
    r.problems.forEach(p -> t.step("PROBLEM: " + p));
    return r.build();
  }

  private static void chart(
      List<ToolExecution> executions, Path outputDir, Transcript t, DemoResult.Builder r) {
    Optional<ToolContent.Image> chart =
        results(executions, "run_code").stream()
            .flatMap(x -> x.images().stream())
            .filter(i -> i.path().endsWith(".png"))
            .reduce((first, second) -> second);
    if (chart.isEmpty()) {
      r.problems.add("no PNG chart came back from run_code");
      return;
    }
    try {
      Files.createDirectories(outputDir);
      Path file = outputDir.resolve("chart.png").toAbsolutePath();
      Files.write(file, chart.get().data());
      r.chartFile = file;
      BufferedImage image = ImageIO.read(new ByteArrayInputStream(chart.get().data()));
      if (image == null) {
        r.problems.add("the chart is not a PNG the JDK can decode");
        return;
      }
      r.chartWidth = image.getWidth();
      r.chartHeight = image.getHeight();
      t.step(
          String.format(
              Locale.ROOT,
              "Chart: %s in the sandbox, copied to %s (a valid PNG, %d x %d pixels, %,d bytes).",
              chart.get().path(),
              file,
              r.chartWidth,
              r.chartHeight,
              chart.get().data().length));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void truncation(
      List<ToolExecution> executions, Transcript t, DemoResult.Builder r) {
    for (ToolResult x : results(executions, "run_code", "run_command")) {
      if (Boolean.TRUE.equals(x.structured().get("stdout_truncated"))) {
        r.spillFile = (String) x.structured().get("stdout_file");
      }
    }
    if (r.spillFile == null) {
      r.problems.add("no output was large enough to be truncated");
      return;
    }
    t.step("Truncation: the model got the head and tail; the full output is in " + r.spillFile);
    for (ToolExecution e : executions) {
      if (e.request().name().equals("read_file") && e.request().arguments().contains(r.spillFile)) {
        r.pagedText = e.result();
        t.step("The model paged through it with read_file " + e.request().arguments());
      }
    }
  }

  private static void preview(List<ToolExecution> executions, Transcript t, DemoResult.Builder r) {
    results(executions, "expose_port").stream()
        .map(x -> (String) x.structured().get("url"))
        .filter(java.util.Objects::nonNull)
        .reduce((first, second) -> second)
        .ifPresent(u -> r.previewUrl = u);
    if (r.previewUrl == null) {
      r.problems.add("no port was exposed");
      return;
    }
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();
    try {
      HttpResponse<String> page =
          http.send(get(r.previewUrl), HttpResponse.BodyHandlers.ofString());
      r.pageStatus = page.statusCode();
      r.pageBody = page.body();
      t.step("GET " + r.previewUrl + " from the host: HTTP " + page.statusCode());
      t.detail(abbreviate(page.body(), 400));
      HttpResponse<byte[]> png =
          http.send(get(r.previewUrl + "chart.png"), HttpResponse.BodyHandlers.ofByteArray());
      r.chartContentType = png.headers().firstValue("content-type").orElse("");
      r.chartServed =
          png.statusCode() == 200
              && r.chartFile != null
              && Arrays.equals(png.body(), Files.readAllBytes(r.chartFile));
      t.step(
          "GET "
              + r.previewUrl
              + "chart.png: HTTP "
              + png.statusCode()
              + ", "
              + png.body().length
              + " bytes of "
              + r.chartContentType
              + ", "
              + (r.chartServed ? "identical to the chart copied out" : "NOT the copied chart"));
    } catch (IOException e) {
      r.problems.add("fetching the preview failed: " + e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.problems.add("interrupted while fetching the preview");
    }
    if (r.pageStatus != 200) {
      r.problems.add("the preview answered HTTP " + r.pageStatus);
    }
  }

  private static HttpRequest get(String url) {
    return HttpRequest.newBuilder(URI.create(url)).timeout(Duration.ofSeconds(20)).build();
  }

  private static List<ToolResult> results(List<ToolExecution> executions, String... tools) {
    List<String> names = List.of(tools);
    return executions.stream()
        .filter(e -> names.contains(e.request().name()))
        .map(ToolExecution::resultObject)
        .filter(ToolResult.class::isInstance)
        .map(ToolResult.class::cast)
        .filter(x -> !x.isError())
        .toList();
  }

  private static String abbreviate(String s, int max) {
    String one = s.strip();
    return one.length() <= max ? one : one.substring(0, max) + "...";
  }
}
