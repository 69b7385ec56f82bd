package cloud.tenki.examples.support;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.TenkiClient;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ExampleClientsTest {

  @Test
  void withoutTenkiSettingsTheLocalEngineRuns() {
    try (TenkiClient client = ExampleClients.fromEnvironment(Map.of("HOME", "/tmp"))) {
      assertThat(client.ownsEngine()).isTrue();
      assertThat(client.endpoint()).startsWith("inprocess://");
    }
  }

  @Test
  void aTenkiKeyMeansTenkiCloud() {
    try (TenkiClient client = ExampleClients.fromEnvironment(Map.of("TENKI_API_KEY", "tk_test"))) {
      assertThat(client.ownsEngine()).isFalse();
      assertThat(client.endpoint()).isEqualTo("https://api.tenki.cloud");
    }
  }
}
