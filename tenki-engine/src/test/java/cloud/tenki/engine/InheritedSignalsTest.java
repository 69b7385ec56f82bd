package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * An engine started with signals ignored (as by {@code nohup}, or in the background of a script)
 * still runs sandboxed commands with every signal at its default, so the signals a client sends
 * reach them; and SIGQUIT, which HotSpot blocks in every Java thread, is not blocked in them. The
 * engine runs in its own JVM, started either by a shell that ignores SIGHUP and SIGINT, or with
 * every signal at its default, where the JVM's own block of SIGQUIT is all there is to undo.
 */
@Timeout(240)
class InheritedSignalsTest {

  @TempDir Path tmp;

  static Stream<Arguments> engines() {
    return Stream.of(Isolation.BWRAP, Isolation.UNSHARE)
        .flatMap(i -> Stream.of(Arguments.of(i, true), Arguments.of(i, false)));
  }

  @ParameterizedTest(name = "{0}, started ignoring SIGHUP and SIGINT: {1}")
  @MethodSource("engines")
  void commandsDoNotInheritTheEnginesSignalState(Isolation isolation, boolean ignoring)
      throws Exception {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Path log = tmp.resolve("child.log");
    List<String> argv =
        new ArrayList<>(
            ignoring
                ? List.of("/bin/sh", "-c", "trap '' HUP INT; exec \"$@\"", "ignoring-shell")
                : List.of("env", "--default-signal"));
    argv.addAll(
        List.of(
            java,
            "-cp",
            System.getProperty("java.class.path"),
            InheritedSignalsChild.class.getName(),
            isolation.name()));
    Process child =
        new ProcessBuilder(argv)
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
      String[] engine =
          lines.stream()
              .filter(l -> l.startsWith("ENGINE "))
              .findFirst()
              .orElse("ENGINE 0 0")
              .split(" ");
      long ignored = Long.parseLong(engine[1], 16);
      long blocked = Long.parseLong(engine[2], 16);
      // SIGHUP is bit 0, SIGINT bit 1 and SIGQUIT bit 2 of a mask: the child really runs with
      // HUP and INT ignored, or with nothing ignored; its threads block QUIT either way
      assertThat(ignored & 3).as(why).isEqualTo(ignoring ? 3 : 0);
      if (!ignoring) {
        assertThat(ignored).as(why).isZero();
      }
      assertThat(blocked & 4).as(why).isEqualTo(4);
      assertThat(lines)
          .as(why)
          .contains(
              "COLD 0 0",
              "PREPARED 0 0 true",
              "SIG_INT SIGINT",
              "SIG_HUP SIGHUP",
              "SIG_QUIT SIGQUIT");
    } finally {
      child.destroyForcibly();
      child.waitFor(30, TimeUnit.SECONDS);
    }
  }
}
