package cloud.tenki.sandbox.suite;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.sandbox.CreatePreviewUrlOptions;
import cloud.tenki.sandbox.NotFoundException;
import cloud.tenki.sandbox.Preview;
import cloud.tenki.sandbox.PreviewUrl;
import cloud.tenki.sandbox.Volume;
import cloud.tenki.sandbox.VolumeAttachment;
import cloud.tenki.sandbox.Volumes;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.Test;

/** Ports, preview URLs and volumes. */
public interface ResourcesBehaviour extends SuiteContext {

  @Test
  default void exposeListAndUnexposeAPort() {
    Preview p = sandbox().exposePort(8080, Duration.ofHours(1));
    assertThat(p.port()).isEqualTo(8080);
    assertThat(p.url()).startsWith("http");
    assertThat(sandbox().exposedPorts().stream().map(Preview::port)).contains(8080);
    sandbox().unexposePort(8080);
    assertThat(sandbox().exposedPorts().stream().map(Preview::port)).doesNotContain(8080);
    assertThatThrownBy(() -> sandbox().exposePort(0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("port");
    assertThatThrownBy(() -> sandbox().exposePort(70000))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  default void previewUrlLifecycle() {
    String slug = "suite-" + UUID.randomUUID().toString().substring(0, 8);
    PreviewUrl created =
        client()
            .previewUrls()
            .create(
                CreatePreviewUrlOptions.builder(slug).sessionId(sandbox().id()).port(3000).build());
    assertThat(created.slug()).isEqualTo(slug);
    assertThat(created.url()).isNotBlank();
    assertThat(created.port()).contains(3000);
    assertThat(client().previewUrls().get(created.id()).slug()).isEqualTo(slug);
    assertThat(client().previewUrls().getBySlug(slug).id()).isEqualTo(created.id());
    assertThat(client().previewUrls().list().stream().map(PreviewUrl::id)).contains(created.id());
    assertThat(client().previewUrls().unbind(created.id()).port()).isEmpty();
    assertThat(client().previewUrls().bind(created.id(), sandbox().id(), 4000).port())
        .contains(4000);
    client().previewUrls().delete(created.id());
    assertThatThrownBy(() -> client().previewUrls().get(created.id()))
        .isInstanceOf(NotFoundException.class);
  }

  @Test
  default void volumeLifecycle() {
    String ws = sandbox().info().workspaceId();
    Volume v = client().volumes().create(ws, "suite-vol", Volumes.GIB);
    try {
      assertThat(v.sizeBytes()).isEqualTo(Volumes.GIB);
      assertThat(client().volumes().get(v.id()).name()).isEqualTo("suite-vol");
      assertThat(client().volumes().list(ws).stream().map(Volume::id)).contains(v.id());
      assertThat(client().volumes().update(v.id(), "renamed-vol", List.of("t1")).name())
          .isEqualTo("renamed-vol");
      assertThat(client().volumes().resize(v.id(), 2 * Volumes.GIB).sizeBytes())
          .isEqualTo(2 * Volumes.GIB);
      VolumeAttachment a = client().volumes().attach(sandbox().id(), v.id(), "/mnt/data", false);
      assertThat(a.volumeId()).isEqualTo(v.id());
      assertThat(a.mountPath()).isEqualTo("/mnt/data");
      client().volumes().detach(sandbox().id(), v.id(), false);
    } finally {
      client().volumes().delete(v.id());
    }
    assertThatThrownBy(() -> client().volumes().get(v.id())).isInstanceOf(NotFoundException.class);
    assertThatThrownBy(() -> client().volumes().create(ws, "bad", -1))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("sizeBytes");
  }
}
