package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.SessionState;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

class SliceTest {

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void createRunFilesTerminate(Isolation isolation) throws Exception {
    try (LocalEngine engine = LocalEngine.builder().isolation(isolation).start();
        EngineClient client = new EngineClient(engine.endpoint(), "tk_test")) {
      EngineClient.Sandbox sb = client.create();
      assertThat(sb.created.getSession().getState()).isEqualTo(SessionState.SESSION_STATE_RUNNING);
      assertThat(sb.created.getSession().getMetadataMap())
          .containsEntry("tenki.local/isolation", isolation.name().toLowerCase());
      var r = sb.run("sh", "-c", "echo hello; id -u; pwd; hostname");
      assertThat(r.code()).isZero();
      assertThat(r.out()).startsWith("hello\n1000\n/home/tenki\n");
      sb.write("notes/a.txt", "content");
      assertThat(sb.readText("/home/tenki/notes/a.txt")).isEqualTo("content");
      assertThat(sb.list("notes", false)).extracting(e -> e.getName()).containsExactly("a.txt");
      assertThat(sb.run("cat", "notes/a.txt").out()).isEqualTo("content");
      assertThat(sb.terminate().getState()).isEqualTo(SessionState.SESSION_STATE_TERMINATED);
    }
  }
}
