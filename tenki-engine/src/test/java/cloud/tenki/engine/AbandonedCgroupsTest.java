package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.FileTime;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * An engine killed before it stopped its sandboxes leaves their cgroups behind, and when no later
 * engine restores those sandboxes nothing else removes them. A starting engine removes the unused
 * ones older than a minute, and nothing that is in use or new.
 */
class AbandonedCgroupsTest {

  @RegisterExtension final Engines engines = new Engines();

  @Test
  void aStartingEngineRemovesOldUnusedGroupsOnly() throws Exception {
    LocalEngine first = engines.start(LocalEngine.builder());
    assumeTrue(first.limitsMechanism().startsWith("cgroup"), "needs writable cgroups");
    EngineClient client = engines.client(first, "tk_test");
    EngineClient.Sandbox live = client.create();
    List<Path> liveGroups = first.sessions().get(live.id).sandbox().group().dirs();
    List<Path> parents = liveGroups.stream().map(Path::getParent).toList();

    String id = UUID.randomUUID().toString();
    List<Path> abandoned = new ArrayList<>();
    List<Path> fresh = new ArrayList<>();
    List<Path> busy = new ArrayList<>();
    FileTime twoHoursAgo = FileTime.from(Instant.now().minusSeconds(7200));
    Process sleeper = new ProcessBuilder("sleep", "120").start();
    try {
      for (Path parent : parents) {
        abandoned.add(Files.createDirectory(parent.resolve("abandoned-" + id)));
        fresh.add(Files.createDirectory(parent.resolve("fresh-" + id)));
        Path b = Files.createDirectory(parent.resolve("busy-" + id));
        Files.writeString(b.resolve("cgroup.procs"), Long.toString(sleeper.pid()));
        busy.add(b);
        Files.setLastModifiedTime(parent.resolve("abandoned-" + id), twoHoursAgo);
        Files.setLastModifiedTime(b, twoHoursAgo);
      }
      for (Path g : liveGroups) {
        Files.setLastModifiedTime(g, twoHoursAgo); // old, but its sandbox runs
      }

      engines.start(LocalEngine.builder());

      assertThat(abandoned).allMatch(g -> !Files.exists(g));
      assertThat(fresh).allMatch(Files::isDirectory);
      assertThat(busy).allMatch(Files::isDirectory);
      assertThat(liveGroups).allMatch(Files::isDirectory);
      assertThat(live.run("echo", "still here").out()).isEqualTo("still here\n");
    } finally {
      sleeper.destroyForcibly();
      sleeper.waitFor(10, TimeUnit.SECONDS);
      for (Path g : busy) {
        deleteWhenEmpty(g);
      }
      for (Path g : fresh) {
        Files.deleteIfExists(g);
      }
      for (Path g : abandoned) {
        Files.deleteIfExists(g);
      }
    }
  }

  /** A killed process leaves its group a moment after it was reaped. */
  private static void deleteWhenEmpty(Path group) throws Exception {
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (true) {
      try {
        Files.deleteIfExists(group);
        return;
      } catch (java.io.IOException e) {
        if (System.nanoTime() > deadline) {
          throw e;
        }
        Thread.sleep(20);
      }
    }
  }
}
