package cloud.tenki.mcp.clients;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.http.HttpHarness;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * The server scenarios of {@code @modelcontextprotocol/conformance} that apply to a tools-only
 * server, under Node 22. Scenarios for resources, prompts, completion, sampling, elicitation, audio
 * and embedded resources test features this server does not offer; {@code server-sse-polling} needs
 * resumable streams, which it does not offer either.
 */
class ConformanceTest {

  private static final Pattern RESULTS = Pattern.compile("Passed: (\\d+)/(\\d+), (\\d+) failed");
  // a server per scenario: the suite's client never ends its sessions, which would add up
  private HttpHarness harness;

  @BeforeEach
  void start() throws Exception {
    harness = new HttpHarness();
  }

  @AfterEach
  void stop() {
    if (harness != null) {
      harness.close();
    }
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "server-initialize",
        "ping",
        "tools-list",
        "tools-call-simple-text",
        "tools-call-image",
        "tools-call-error",
        "tools-call-with-logging",
        "tools-call-with-progress",
        "logging-set-level",
        "json-schema-2020-12",
        "server-sse-multiple-streams",
        "dns-rebinding-protection"
      })
  void scenarioPasses(String scenario, @TempDir Path workDir) throws Exception {
    String node = NodeTools.node22();
    NodeTools.requirePackage("@modelcontextprotocol/conformance");
    // the scenarios check DNS-rebinding protection against a "localhost" URL
    String url = "http://localhost:" + harness.endpoint.getPort() + "/mcp";
    NodeTools.Result result =
        NodeTools.run(
            List.of(
                node,
                NodeTools.DIR
                    .resolve("node_modules/@modelcontextprotocol/conformance/dist/index.js")
                    .toString(),
                "server",
                "--url",
                url,
                "--scenario",
                scenario),
            workDir,
            Duration.ofMinutes(2));
    String output = result.stdout() + result.stderr();
    Matcher matcher = RESULTS.matcher(output);
    assertThat(matcher.find()).as(output).isTrue();
    assertThat(Integer.parseInt(matcher.group(3))).as("failed checks in %s", output).isZero();
    assertThat(Integer.parseInt(matcher.group(1)))
        .as(output)
        .isEqualTo(Integer.parseInt(matcher.group(2)))
        .isPositive();
    assertThat(output).contains("0 warnings");
    assertThat(result.exit()).as(output).isZero();
  }
}
