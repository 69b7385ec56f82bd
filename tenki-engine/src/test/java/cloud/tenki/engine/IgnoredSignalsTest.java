package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * An engine started with signals ignored (as by {@code nohup}, or in the background of a script)
 * still runs sandboxed commands with every signal at its default, so the signals a client sends
 * reach them. The engine runs in its own JVM, started by a shell that ignores SIGHUP and SIGINT.
 */
@Timeout(240)
class IgnoredSignalsTest {

  @TempDir Path tmp;

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void commandsDoNotInheritTheEnginesIgnoredSignals(Isolation isolation) throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = tmp.resolve("child.log");
    Process child =
        new ProcessBuilder(
                "/bin/sh",
                "-c",
                "trap '' HUP INT; exec \"$@\"",
                "ignoring-shell",
                java,
                "-cp",
                System.getProperty("java.class.path"),
                IgnoredSignalsChild.class.getName(),
                isolation.name())
            .redirectError(log.toFile())
            .redirectInput(ProcessBuilder.Redirect.from(new java.io.File("/dev/null")))
            .start();
    try {
      CompletableFuture<String> out =
          CompletableFuture.supplyAsync(
              () -> {
                ByteArrayOutputStream bytes = new ByteArrayOutputStream();
                try {
                  child.getInputStream().transferTo(bytes);
                } catch (java.io.IOException e) {
                  // the child died: what it printed so far is the answer
                }
                return bytes.toString(StandardCharsets.UTF_8);
              });
      assertThat(child.waitFor(180, TimeUnit.SECONDS)).as("child finished").isTrue();
      List<String> lines = out.get(10, TimeUnit.SECONDS).lines().toList();
      String why = "child output " + lines + ", log " + Files.readString(log);
      // SIGHUP is bit 0 and SIGINT bit 1 of the mask: the child really runs with both ignored
      String engine =
          lines.stream().filter(l -> l.startsWith("ENGINE ")).findFirst().orElse("ENGINE 0");
      assertThat(Long.parseLong(engine.substring("ENGINE ".length()), 16) & 3).as(why).isEqualTo(3);
      assertThat(lines)
          .as(why)
          .contains("COLD 0", "PREPARED 0 true", "SIG_INT SIGINT", "SIG_HUP SIGHUP");
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
