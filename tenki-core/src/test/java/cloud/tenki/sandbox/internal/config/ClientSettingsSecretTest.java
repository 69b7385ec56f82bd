package cloud.tenki.sandbox.internal.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import org.junit.jupiter.api.Test;

/** Resolved settings may end up in a log line or a debugger's view: the token must not. */
class ClientSettingsSecretTest {

  @Test
  void toStringNeverShowsTheToken() {
    ClientSettings s =
        ClientSettings.resolve(
            null,
            null,
            null,
            false,
            TenkiEnvironment.of(
                Map.of(
                    "TENKI_API_ENDPOINT", "https://api.example.test",
                    "TENKI_AUTH_TOKEN", "tk_live_0123456789abcdef")));
    assertThat(s.token()).isEqualTo("tk_live_0123456789abcdef");
    assertThat(s.toString())
        .contains("https://api.example.test")
        .doesNotContain("tk_live")
        .doesNotContain("0123456789abcdef");
  }
}
