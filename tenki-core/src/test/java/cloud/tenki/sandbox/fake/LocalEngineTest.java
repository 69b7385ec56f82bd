package cloud.tenki.sandbox.fake;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.sandbox.ConfigurationException;
import cloud.tenki.sandbox.CreateSandboxOptions;
import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.spi.EmbeddedEngine;
import cloud.tenki.spi.EmbeddedEngineProvider;
import java.io.IOException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Collections;
import java.util.Enumeration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code local} endpoint finds an engine through ServiceLoader, owns it and closes it. */
class LocalEngineTest {
  static final AtomicReference<TestEngine> LAST = new AtomicReference<>();
  private static final String SERVICE =
      "META-INF/services/" + EmbeddedEngineProvider.class.getName();

  /** An engine provider backed by the fake, registered only through the test's class loader. */
  public static final class TestProvider implements EmbeddedEngineProvider {
    @Override
    public EmbeddedEngine start(Map<String, String> settings) {
      TestEngine e = new TestEngine(FakeTenki.inProcess(), settings);
      LAST.set(e);
      return e;
    }
  }

  static final class TestEngine implements EmbeddedEngine {
    final FakeTenki fake;
    final Map<String, String> settings;
    volatile boolean closed;

    TestEngine(FakeTenki fake, Map<String, String> settings) {
      this.fake = fake;
      this.settings = settings;
      fake.token = "engine-token";
    }

    @Override
    public String endpoint() {
      return fake.endpoint();
    }

    @Override
    public String token() {
      return "engine-token";
    }

    @Override
    public void close() {
      closed = true;
      fake.close();
    }
  }

  /** A loader that sees only the given service file for the engine SPI (or none). */
  private static ClassLoader loaderWith(Path serviceFile) {
    return new ClassLoader(LocalEngineTest.class.getClassLoader()) {
      @Override
      public Enumeration<URL> getResources(String name) throws IOException {
        if (name.equals(SERVICE)) {
          return serviceFile == null
              ? Collections.emptyEnumeration()
              : Collections.enumeration(List.of(serviceFile.toUri().toURL()));
        }
        return super.getResources(name);
      }
    };
  }

  @Test
  void localEndpointStartsOwnsAndClosesTheEngine(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("providers"), TestProvider.class.getName() + "\n");
    TenkiClient client =
        TenkiClient.builder()
            .environment(Map.of("TENKI_API_ENDPOINT", "local"))
            .engineClassLoader(loaderWith(file))
            .build();
    TestEngine engine = LAST.get();
    try (client;
        Sandbox sb = client.sandboxes().create(CreateSandboxOptions.defaults())) {
      assertThat(client.ownsEngine()).isTrue();
      assertThat(client.endpoint()).isEqualTo(engine.endpoint());
      assertThat(sb.exec("echo", "local").check().stdoutText()).isEqualTo("local\n");
    }
    assertThat(engine.closed).isTrue();
  }

  @Test
  void builderLocalEnginePassesSettings(@TempDir Path dir) throws IOException {
    Path file = Files.writeString(dir.resolve("providers"), TestProvider.class.getName() + "\n");
    try (TenkiClient client =
        TenkiClient.builder()
            .environment(Map.of())
            .localEngine(Map.of("state-dir", dir.toString()))
            .engineClassLoader(loaderWith(file))
            .build()) {
      assertThat(LAST.get().settings).containsEntry("state-dir", dir.toString());
    }
  }

  @Test
  void missingEngineNamesTheArtifact() {
    assertThatThrownBy(
            () ->
                TenkiClient.builder()
                    .environment(Map.of())
                    .localEngine()
                    .engineClassLoader(loaderWith(null))
                    .build())
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("cloud.tenki:tenki-engine");
  }
}
