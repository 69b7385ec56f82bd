package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.proto.sandbox.v1.SessionState;
import cloud.tenki.proto.sandbox.v1.WhoAmIRequest;
import cloud.tenki.spi.EmbeddedEngine;
import cloud.tenki.spi.EmbeddedEngineProvider;
import java.util.Map;
import java.util.ServiceLoader;
import org.junit.jupiter.api.Test;

/** The network listener, control-plane auth and the embedded-engine SPI. */
class ListenerAndAuthTest {

  @Test
  void worksOverTheNetworkEndpoint() throws Exception {
    try (LocalEngine engine = LocalEngine.builder().listen("127.0.0.1", 0).start();
        EngineClient client = new EngineClient(engine.endpoint(), "tk_anything")) {
      assertThat(engine.endpoint()).startsWith("http://127.0.0.1:");
      var sb = client.create();
      assertThat(sb.created.getDataPlaneEndpoint()).isEqualTo(engine.endpoint());
      assertThat(sb.run("echo", "over h2c").out()).isEqualTo("over h2c\n");
      assertThat(sb.terminate().getState()).isEqualTo(SessionState.SESSION_STATE_TERMINATED);
    }
  }

  @Test
  void withoutATokenAnyBearerIsAcceptedButOneIsRequired() {
    try (LocalEngine engine = LocalEngine.start();
        EngineClient anonymous = new EngineClient(engine.endpoint(), null);
        EngineClient any = new EngineClient(engine.endpoint(), "whatever")) {
      assertThat(engine.endpoint()).startsWith("inprocess://tenki-engine-");
      assertThatThrownBy(() -> anonymous.control.whoAmI(WhoAmIRequest.getDefaultInstance()))
          .hasMessageContaining("UNAUTHENTICATED");
      assertThat(any.control.whoAmI(WhoAmIRequest.getDefaultInstance()).getOwnerId()).isNotEmpty();
    }
  }

  @Test
  void aConfiguredTokenIsRequired() {
    try (LocalEngine engine =
            LocalEngine.builder().token("tk_secret").listen("127.0.0.1", 0).start();
        EngineClient wrong = new EngineClient(engine.endpoint(), "tk_wrong");
        EngineClient right = new EngineClient(engine.endpoint(), "tk_secret")) {
      assertThatThrownBy(() -> wrong.control.whoAmI(WhoAmIRequest.getDefaultInstance()))
          .hasMessageContaining("UNAUTHENTICATED")
          .hasMessageNotContaining("tk_secret");
      assertThat(right.control.whoAmI(WhoAmIRequest.getDefaultInstance())).isNotNull();
      assertThat(engine.token()).isEqualTo("tk_secret");
    }
  }

  @Test
  void nonLoopbackWithoutATokenIsRefused() {
    assertThatThrownBy(() -> LocalEngine.builder().listen("0.0.0.0", 0).start())
        .isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("without a token");
  }

  @Test
  void theSdkFindsTheEngineThroughTheServiceLoader() throws Exception {
    EmbeddedEngineProvider provider =
        ServiceLoader.load(EmbeddedEngineProvider.class).findFirst().orElseThrow();
    assertThatThrownBy(() -> provider.start(Map.of("colour", "blue")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("colour");
    try (EmbeddedEngine engine = provider.start(Map.of("isolation", "unshare"));
        EngineClient client = new EngineClient(engine.endpoint(), engine.token())) {
      var sb = client.create();
      assertThat(sb.created.getSession().getMetadataMap())
          .containsEntry("tenki.local/isolation", "unshare");
      assertThat(sb.run("true").code()).isZero();
    }
  }

  @Test
  void theSdkCanSetTheEmbeddedEnginesMemoryBudget() throws Exception {
    EmbeddedEngineProvider provider =
        ServiceLoader.load(EmbeddedEngineProvider.class).findFirst().orElseThrow();
    assertThatThrownBy(() -> provider.start(Map.of("memory-budget-mb", "lots")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("memory-budget-mb must be a whole number of MiB");
    assertThatThrownBy(() -> provider.start(Map.of("memory-budget-mb", "0")))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("got '0'");
    try (EmbeddedEngine engine =
            provider.start(Map.of("isolation", "unshare", "memory-budget-mb", "2"));
        EngineClient client = new EngineClient(engine.endpoint(), engine.token())) {
      var sb = client.create();
      assertThat(
              sb.run("sh", "-c", "head -c 3145728 /dev/zero > big; head -c 1000 /dev/zero > small")
                  .code())
          .isZero();
      assertThat(sb.read("small")).hasSize(1000);
      // a whole-file read of 3 MiB can never fit a 2 MiB budget
      assertThatThrownBy(() -> sb.read("big"))
          .isInstanceOf(io.grpc.StatusRuntimeException.class)
          .hasMessageContaining("RESOURCE_EXHAUSTED");
    }
  }

  @Test
  void noIsolationIsExplicitAndReported() throws Exception {
    try (LocalEngine engine = LocalEngine.builder().isolation(Isolation.NONE).start();
        EngineClient client = new EngineClient(engine.endpoint(), "tk")) {
      var sb = client.create();
      assertThat(sb.created.getSession().getMetadataMap())
          .containsEntry("tenki.local/isolation", "none");
      sb.write("hello.txt", "hi");
      assertThat(sb.run("cat", "hello.txt").out()).isEqualTo("hi");
      assertThat(sb.readText("/home/tenki/hello.txt")).isEqualTo("hi");
    }
  }
}
