package cloud.tenki.engine.sandbox;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

/**
 * {@link HostSystem#killEntered} stands in for nsenter with a parent that, like nsenter, waits for
 * its one child and then exits: the child must be reaped by that parent, not left as a zombie to
 * the host's init (which is what stopping a sandbox used to wait up to two seconds for).
 */
class KillEnteredTest {

  @Test
  void theInsideDiesFirstAndItsParentReapsIt() throws Exception {
    Process parent =
        new ProcessBuilder(
                "python3",
                "-c",
                "import os, sys\n"
                    + "pid = os.fork()\n"
                    + "if pid == 0:\n"
                    + "    os.execvp('sleep', ['sleep', '300'])\n"
                    + "print(pid, flush=True)\n"
                    + "os.waitpid(pid, 0)\n")
            .redirectErrorStream(true)
            .start();
    try {
      long child =
          Long.parseLong(
              new java.io.BufferedReader(
                      new java.io.InputStreamReader(
                          parent.getInputStream(), java.nio.charset.StandardCharsets.UTF_8))
                  .readLine()
                  .strip());
      assertThat(Path.of("/proc", Long.toString(child))).exists();

      HostSystem.killEntered(parent, 5000);

      assertThat(parent.waitFor(5, TimeUnit.SECONDS)).isTrue();
      // the parent exited by itself (status 0 after reaping), not by the kill
      assertThat(parent.exitValue()).isZero();
      // reaped by its parent, so not a zombie waiting for the host's init
      assertThat(Files.exists(Path.of("/proc", Long.toString(child)))).isFalse();
    } finally {
      parent.descendants().forEach(ProcessHandle::destroyForcibly);
      parent.destroyForcibly().waitFor();
    }
  }

  @Test
  void aParentThatDoesNotExitIsKilledAfterTheGrace() throws Exception {
    Process parent = new ProcessBuilder("sleep", "300").start();
    try {
      HostSystem.killEntered(parent, 100);
      assertThat(parent.waitFor(5, TimeUnit.SECONDS)).isTrue();
      assertThat(parent.exitValue()).isEqualTo(128 + 9);
    } finally {
      parent.destroyForcibly().waitFor();
    }
  }
}
