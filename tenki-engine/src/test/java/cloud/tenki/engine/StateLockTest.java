package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** One engine per state directory: a second one is refused instead of sharing its sessions. */
class StateLockTest {

  @RegisterExtension final Engines engines = new Engines();

  @Test
  void aSecondEngineOnTheSameStateDirectoryIsRefusedUntilTheFirstStops(@TempDir Path state)
      throws Exception {
    LocalEngine first =
        engines.start(LocalEngine.builder().isolation(Isolation.UNSHARE).stateDir(state));
    EngineClient.Sandbox sb = engines.client(first, "tk_test").create();
    sb.write("kept.txt", "mine");
    assertThatThrownBy(
            () -> LocalEngine.builder().isolation(Isolation.UNSHARE).stateDir(state).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining(
            "another tenki engine (process " + ProcessHandle.current().pid() + ")")
        .hasMessageContaining("is using the state directory " + state);
    // the refused engine touched nothing: the first still serves its sandbox
    assertThat(sb.readText("kept.txt")).isEqualTo("mine");
    first.close();
    LocalEngine second =
        engines.start(LocalEngine.builder().isolation(Isolation.UNSHARE).stateDir(state));
    assertThat(second.stateDir()).isEqualTo(state);
  }
}
