package cloud.tenki.examples.demo;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * What the demo achieved, as checked from the host.
 *
 * @param chartFile where the chart was copied on the host (null if none came back)
 * @param chartWidth its width in pixels after decoding it as a PNG (0 if it did not decode)
 * @param chartHeight its height in pixels
 * @param spillFile the sandbox file holding a truncated output in full (null if nothing was cut)
 * @param pagedText what a {@code read_file} of that file returned (null if it was not read)
 * @param previewUrl the preview URL the agent published (null if none)
 * @param pageStatus the HTTP status of fetching it from the host (0 if not fetched)
 * @param pageBody the body fetched
 * @param chartServed whether {@code chart.png} fetched through the preview equals the copied chart
 * @param chartContentType the {@code Content-Type} the preview served {@code chart.png} with
 * @param problems what went wrong, for the user
 */
record DemoResult(
    Path chartFile,
    int chartWidth,
    int chartHeight,
    String spillFile,
    String pagedText,
    String previewUrl,
    int pageStatus,
    String pageBody,
    boolean chartServed,
    String chartContentType,
    List<String> problems) {

  DemoResult {
    problems = List.copyOf(problems);
  }

  static DemoResult failed(String problem) {
    return new DemoResult(null, 0, 0, null, null, null, 0, null, false, null, List.of(problem));
  }

  boolean succeeded() {
    return problems.isEmpty();
  }

  /** Collects the fields while the checks run. */
  static final class Builder {
    Path chartFile;
    int chartWidth;
    int chartHeight;
    String spillFile;
    String pagedText;
    String previewUrl;
    int pageStatus;
    String pageBody;
    boolean chartServed;
    String chartContentType;
    final List<String> problems = new ArrayList<>();

    DemoResult build() {
      return new DemoResult(
          chartFile,
          chartWidth,
          chartHeight,
          spillFile,
          pagedText,
          previewUrl,
          pageStatus,
          pageBody,
          chartServed,
          chartContentType,
          problems);
    }
  }
}
