package cloud.tenki.sandbox.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.sandbox.ConfigurationException;
import cloud.tenki.sandbox.internal.config.ClientSettings;
import cloud.tenki.sandbox.internal.config.TenkiEnvironment;
import cloud.tenki.sandbox.internal.dataplane.SandboxPaths;
import cloud.tenki.sandbox.internal.ssh.GatewayResolver;
import cloud.tenki.sandbox.internal.transport.Endpoint;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Endpoint, token and gateway resolution; path checks. No network. */
class ConfigurationTest {

  private static ClientSettings resolve(
      String endpoint, String token, String gateway, Map<String, String> env) {
    return ClientSettings.resolve(endpoint, token, gateway, false, TenkiEnvironment.of(env));
  }

  @Test
  void tokenOrderIsExplicitThenAuthTokenThenApiKey() {
    Map<String, String> both = Map.of("TENKI_AUTH_TOKEN", "auth", "TENKI_API_KEY", "tk_key");
    assertThat(resolve(null, "explicit", null, both).token()).isEqualTo("explicit");
    assertThat(resolve(null, null, null, both).token()).isEqualTo("auth");
    assertThat(resolve(null, null, null, Map.of("TENKI_API_KEY", "tk_key")).token())
        .isEqualTo("tk_key");
    assertThat(
            resolve(null, null, null, Map.of("TENKI_AUTH_TOKEN", "  ", "TENKI_API_KEY", "k"))
                .token())
        .isEqualTo("k");
  }

  @Test
  void endpointOrderIsExplicitThenEndpointThenLegacyUrlThenDefault() {
    Map<String, String> env =
        Map.of(
            "TENKI_API_ENDPOINT",
            "https://e.example",
            "TENKI_API_URL",
            "https://u.example",
            "TENKI_API_KEY",
            "k");
    assertThat(resolve("https://x.example", null, null, env).endpoint())
        .isEqualTo("https://x.example");
    assertThat(resolve(null, null, null, env).endpoint()).isEqualTo("https://e.example");
    assertThat(
            resolve(
                    null,
                    null,
                    null,
                    Map.of("TENKI_API_URL", "https://u.example", "TENKI_API_KEY", "k"))
                .endpoint())
        .isEqualTo("https://u.example");
    assertThat(resolve(null, null, null, Map.of("TENKI_API_KEY", "k")).endpoint())
        .isEqualTo("https://api.tenki.cloud");
  }

  @Test
  void gatewayOrderIsExplicitThenEnvironment() {
    Map<String, String> env =
        Map.of("TENKI_SANDBOX_GATEWAY_URL", "https://gw.env", "TENKI_API_KEY", "k");
    assertThat(resolve(null, null, "https://gw.explicit", env).gatewayUrl())
        .contains("https://gw.explicit");
    assertThat(resolve(null, null, null, env).gatewayUrl()).contains("https://gw.env");
    assertThat(resolve(null, null, null, Map.of("TENKI_API_KEY", "k")).gatewayUrl()).isEmpty();
  }

  @Test
  void missingTokenNamesTheVariablesAndTheLocalEngine() {
    assertThatThrownBy(() -> resolve(null, null, null, Map.of()))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("TENKI_AUTH_TOKEN")
        .hasMessageContaining("TENKI_API_KEY")
        .hasMessageContaining("TENKI_API_ENDPOINT=local")
        .hasMessageContaining("localEngine()")
        .hasMessageContaining("cloud.tenki:tenki-engine")
        .hasMessageContaining("standalone engine");
  }

  @Test
  void localEndpointsNeedNoToken() {
    for (String local :
        new String[] {
          "local",
          "inprocess://engine",
          "http://127.0.0.1:7000",
          "http://localhost:1",
          "http://[::1]:8080"
        }) {
      assertThat(resolve(local, null, null, Map.of()).token()).as(local).isEqualTo("local");
    }
    assertThatThrownBy(() -> resolve("http://10.1.2.3:80", null, null, Map.of()))
        .isInstanceOf(ConfigurationException.class);
    assertThatThrownBy(() -> resolve("https://localhost", null, null, Map.of()))
        .isInstanceOf(ConfigurationException.class);
  }

  @Test
  void settingsNeverPrintTheToken() {
    assertThat(resolve(null, "tk_secret_value", null, Map.of()).toString())
        .doesNotContain("tk_secret");
  }

  @Test
  void endpointsParse() {
    assertThat(Endpoint.parseApi("https://api.tenki.cloud/"))
        .isEqualTo(
            new Endpoint(Endpoint.Kind.TLS, "api.tenki.cloud", 443, "https://api.tenki.cloud"));
    assertThat(Endpoint.parseApi("http://127.0.0.1:9000").kind())
        .isEqualTo(Endpoint.Kind.PLAINTEXT);
    assertThat(Endpoint.parseApi("http://127.0.0.1:9000").port()).isEqualTo(9000);
    assertThat(Endpoint.parseApi("inprocess://eng-1").host()).isEqualTo("eng-1");
    assertThat(Endpoint.parseApi("LOCAL").kind()).isEqualTo(Endpoint.Kind.LOCAL);
    assertThatThrownBy(() -> Endpoint.parseApi("api.tenki.cloud"))
        .isInstanceOf(ConfigurationException.class)
        .hasMessageContaining("api.tenki.cloud");
    assertThatThrownBy(() -> Endpoint.parseApi("ftp://x")).hasMessageContaining("ftp");
  }

  @Test
  void bareDataPlaneEndpointsFollowTheControlPlanesSecurity() {
    Endpoint tls = Endpoint.parseApi("https://api.tenki.cloud");
    Endpoint plain = Endpoint.parseApi("http://127.0.0.1:1");
    assertThat(Endpoint.parseDataPlane("dp.tenki.cloud:8443", tls))
        .isEqualTo(
            new Endpoint(Endpoint.Kind.TLS, "dp.tenki.cloud", 8443, "https://dp.tenki.cloud:8443"));
    assertThat(Endpoint.parseDataPlane("127.0.0.1:5000", plain).kind())
        .isEqualTo(Endpoint.Kind.PLAINTEXT);
    assertThat(Endpoint.parseDataPlane("dp.tenki.cloud", tls).port()).isEqualTo(443);
    assertThat(Endpoint.parseDataPlane("http://10.0.0.1:81", tls).kind())
        .isEqualTo(Endpoint.Kind.PLAINTEXT);
    assertThat(Endpoint.parseDataPlane("inprocess://x", tls).kind())
        .isEqualTo(Endpoint.Kind.IN_PROCESS);
  }

  @Test
  void gatewayIsDerivedFromTheApiHost() {
    assertThat(GatewayResolver.derive("https://api.tenki.cloud"))
        .isEqualTo("https://sandbox-gateway.tenki.cloud");
    assertThat(GatewayResolver.derive("https://app.tenki.cloud/v1/"))
        .isEqualTo("https://sandbox-gateway.tenki.cloud");
    assertThat(GatewayResolver.derive("http://tenki.internal:8080/x"))
        .isEqualTo("http://sandbox-gateway.tenki.internal:8080");
    assertThat(GatewayResolver.webSocketUrl("https://gw.example/", "sbx_1"))
        .isEqualTo("wss://gw.example/v1/ssh/sbx_1");
    assertThat(GatewayResolver.webSocketUrl("http://127.0.0.1:9", "s"))
        .isEqualTo("ws://127.0.0.1:9/v1/ssh/s");
  }

  @Test
  void sandboxPathsStayInsideTheWorkdir() {
    assertThat(SandboxPaths.resolve("a/b")).isEqualTo("/home/tenki/a/b");
    assertThat(SandboxPaths.resolve("/home/tenki")).isEqualTo("/home/tenki");
    assertThat(SandboxPaths.resolve(".")).isEqualTo("/home/tenki");
    assertThat(SandboxPaths.resolve("a/./b/../c")).isEqualTo("/home/tenki/a/c");
    for (String bad :
        new String[] {
          "..", "../x", "a/../..", "/", "/home", "/home/tenki/..", "/home/tenki2", "a\0b"
        }) {
      assertThatThrownBy(() -> SandboxPaths.resolve(bad))
          .as(bad)
          .isInstanceOf(IllegalArgumentException.class);
    }
  }
}
