package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.engine.cli.EngineMain;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.Map;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

/** The standalone launcher's refusals (its happy path runs in the SDK conformance test). */
class EngineMainTest {

  private static int run(Map<String, String> env, String... args) {
    return new CommandLine(new EngineMain(env)).execute(args);
  }

  @Test
  void refusesANonLoopbackAddressWithoutAToken() {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(run(Map.of(), "--host", "0.0.0.0", "--port", "0", "--state-dir", "/tmp/unused"))
          .isEqualTo(2);
    } finally {
      System.setErr(old);
    }
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("without a token");
  }

  @Test
  void rejectsAnUnknownIsolation() {
    assertThat(run(Map.of(), "--isolation", "chroot", "--port", "0")).isEqualTo(2);
  }

  @Test
  void refusesAMemoryBudgetUnderOneMib() {
    PrintStream old = System.err;
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    System.setErr(new PrintStream(err, true, StandardCharsets.UTF_8));
    try {
      assertThat(run(Map.of(), "--memory-budget-mb", "0", "--port", "0")).isEqualTo(2);
      assertThat(run(Map.of(), "--memory-budget-mb", "lots", "--port", "0")).isEqualTo(2);
    } finally {
      System.setErr(old);
    }
    assertThat(err.toString(StandardCharsets.UTF_8))
        .contains("--memory-budget-mb must be at least 1")
        .contains("'--memory-budget-mb'");
  }
}
