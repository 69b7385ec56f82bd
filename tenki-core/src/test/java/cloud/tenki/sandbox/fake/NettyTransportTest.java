package cloud.tenki.sandbox.fake;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.CreateSandboxOptions;
import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.SandboxProcess;
import cloud.tenki.sandbox.TenkiClient;
import io.grpc.Metadata;
import java.io.InputStream;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * The real HTTP/2 wire: the fake on a Netty h2c listener on 127.0.0.1, a data plane returned as a
 * bare host:port (plaintext because the control plane is), and no token (loopback).
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class NettyTransportTest {
  private final FakeTenki fake = FakeTenki.netty();

  @AfterEach
  void stop() {
    fake.close();
  }

  @Test
  void loopbackEngineNeedsNoTokenAndStreamsOverH2c() throws Exception {
    fake.token = null; // accept any bearer, as the local engine does
    fake.bareDataPlaneEndpoint = true;
    try (TenkiClient client =
            TenkiClient.builder().environment(Map.of()).endpoint(fake.endpoint()).build();
        Sandbox sb = client.sandboxes().create(CreateSandboxOptions.defaults())) {
      assertThat(sb.exec("echo", "h2c").check().stdoutText()).isEqualTo("h2c\n");
      Metadata headers = fake.lastHeaders("CreateSession");
      assertThat(headers.get(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER)))
          .isEqualTo("Bearer local");
      try (SandboxProcess p = sb.start("head", "-c", Integer.toString(48 << 20), "/dev/zero")) {
        long total = 0;
        byte[] buf = new byte[1 << 16];
        InputStream in = p.stdout();
        int n;
        while ((n = in.read(buf)) >= 0) {
          total += n;
        }
        assertThat(total).isEqualTo(48L << 20);
        assertThat(p.waitFor().success()).isTrue();
      }
    }
  }
}
