package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Runs real Tenki clients written in TypeScript, installed by the build with npm ci, against the
 * standalone engine started as its own process on an ephemeral port: the official SDK ({@code
 * @tenkicloud/sandbox}, gRPC over HTTP/2) and Tenki's own MCP server ({@code @tenkicloud/mcp},
 * Connect JSON over HTTP/1.1) driven over stdio by the official MCP client.
 */
class TypeScriptSdkConformanceTest {

  private static final Pattern SUMMARY = Pattern.compile("(?m)^(\\d+) passed, (\\d+) failed$");

  @Test
  void officialSdkWorksUnchanged(@TempDir Path tmp) throws Exception {
    runAgainstStandaloneEngine(tmp, "conformance.mjs", "@tenkicloud/sandbox", 22);
  }

  @Test
  void tenkisMcpServerCreatesExecsAndReadsFiles(@TempDir Path tmp) throws Exception {
    runAgainstStandaloneEngine(tmp, "mcp-conformance.mjs", "@tenkicloud/mcp", 7);
  }

  private static void runAgainstStandaloneEngine(
      Path tmp, String script, String module, int minPassed) throws Exception {
    Path nodeDir = Path.of(System.getProperty("tenki.node.dir", "src/test/node"));
    assumeTrue(HostHasNode.node(), "node is not installed: " + script + " is skipped");
    assumeTrue(
        Files.isDirectory(nodeDir.resolve("node_modules/" + module)),
        module + " is not installed in " + nodeDir + " (npm ci did not run): skipped");
    Path state = Files.createTempDirectory(Path.of("/tmp"), "tenki-conf-");
    Process engine =
        new ProcessBuilder(
                List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-cp",
                    System.getProperty("java.class.path"),
                    "cloud.tenki.engine.cli.EngineMain",
                    "--port",
                    "0",
                    "--state-dir",
                    state.toString()))
            .redirectError(tmp.resolve("engine.err").toFile())
            .start();
    try {
      String endpoint = readEndpoint(engine);
      ProcessBuilder pb =
          new ProcessBuilder("node", script)
              .directory(nodeDir.toFile())
              .redirectErrorStream(true)
              .redirectOutput(tmp.resolve("node.out").toFile());
      pb.environment().put("TENKI_API_ENDPOINT", endpoint);
      pb.environment().put("TENKI_AUTH_TOKEN", "tk_conformance");
      pb.environment().remove("TENKI_API_KEY");
      Process node = pb.start();
      assertThat(node.waitFor(180, TimeUnit.SECONDS)).as("node finished in time").isTrue();
      String out = Files.readString(tmp.resolve("node.out"));
      System.out.println(out);
      Matcher m = SUMMARY.matcher(out);
      assertThat(m.find()).as("summary line in:\n" + out).isTrue();
      assertThat(Integer.parseInt(m.group(2))).as(out).isZero();
      assertThat(Integer.parseInt(m.group(1))).as(out).isGreaterThanOrEqualTo(minPassed);
      assertThat(node.exitValue()).isZero();
    } finally {
      engine.destroy();
      if (!engine.waitFor(20, TimeUnit.SECONDS)) {
        engine.destroyForcibly();
      }
      cloud.tenki.engine.sandbox.Rootfs.delete(state);
    }
  }

  private static String readEndpoint(Process engine) throws Exception {
    BufferedReader r =
        new BufferedReader(new InputStreamReader(engine.getInputStream(), StandardCharsets.UTF_8));
    String line = r.readLine();
    assertThat(line).as("engine printed its endpoint").startsWith("TENKI_API_ENDPOINT=");
    return line.substring("TENKI_API_ENDPOINT=".length());
  }

  /** Whether a {@code node} binary runs here. */
  static final class HostHasNode {
    static boolean node() {
      try {
        Process p = new ProcessBuilder("node", "--version").redirectErrorStream(true).start();
        p.getInputStream().readAllBytes();
        return p.waitFor(10, TimeUnit.SECONDS) && p.exitValue() == 0;
      } catch (Exception e) {
        return false;
      }
    }
  }
}
