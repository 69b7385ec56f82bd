package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.CreateSessionRequest;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Memory-backed file systems inside a sandbox ({@code /dev/shm}, {@code /dev} itself) hold their
 * files in host RAM, outside the disk quota's walk. Whatever mechanism enforces {@code memory_mb}
 * (cgroups or rlimits), a sandbox must not park more than that there.
 */
class MemoryFilesystemTest {

  private static final int MEMORY_MB = 96;
  private static final long LIMIT = MEMORY_MB * 1024L * 1024L;

  @RegisterExtension final Engines engines = new Engines();
  private LocalEngine engine;
  private EngineClient client;

  @ParameterizedTest
  @CsvSource({"BWRAP,true", "BWRAP,false", "UNSHARE,true", "UNSHARE,false"})
  void tmpfsWritesStayWithinTheMemoryLimit(Isolation isolation, boolean cgroups) throws Exception {
    engine = engines.start(LocalEngine.builder().isolation(isolation).useCgroups(cgroups));
    client = engines.client(engine, "tk_test");
    EngineClient.Sandbox sb =
        client.create(CreateSessionRequest.newBuilder().setMemoryMb(MEMORY_MB));
    // four times the limit into each memory-backed place the sandbox can write; each writer may
    // be refused (no space) or killed (out of memory): either way little must stay behind
    var r =
        sb.run(
            "/bin/sh",
            "-c",
            "for d in /dev/shm /dev; do head -c "
                + (4 * LIMIT)
                + " /dev/zero > $d/fill 2>/dev/null; done; true");
    var sizes =
        sb.run(
            "/bin/sh",
            "-c",
            "t=0; for f in /dev/shm/fill /dev/fill; do"
                + " [ -f $f ] && t=$((t + $(stat -c %s $f))); done; echo $t");
    // the sandbox survives its own attempt (no memory-cgroup kill of its init)
    assertThat(sizes.exit().getExitCode()).as("sandbox still runs: %s", sizes.err()).isZero();
    long held = Long.parseLong(sizes.out().trim());
    assertThat(held)
        .as("bytes held in memory file systems (run: %s)", r.err())
        .isLessThanOrEqualTo(LIMIT);
  }
}
