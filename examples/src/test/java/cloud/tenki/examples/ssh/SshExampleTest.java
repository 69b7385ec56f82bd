package cloud.tenki.examples.ssh;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.TenkiClient;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.util.HexFormat;
import org.junit.jupiter.api.Test;

/** The OpenSSH client runs a command and copies files through the embedded engine's gateway. */
class SshExampleTest {

  @Test
  void opensshRunsACommandAndCopiesFilesBothWays() throws Exception {
    assertThat(SshExample.missingTools())
        .as("the OpenSSH client (apt-get install openssh-client; .ci/run installs it)")
        .isEmpty();
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TenkiClient client = TenkiClient.builder().localEngine().build();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      SshExample.run(client, out);
      assertThat(client.sandboxes().list()).isEmpty();
    }
    String transcript = bytes.toString(StandardCharsets.UTF_8);

    String digest =
        HexFormat.of()
            .formatHex(
                MessageDigest.getInstance("SHA-256")
                    .digest("copied from the host by scp\n".getBytes(StandardCharsets.UTF_8)))
            .substring(0, 16);
    assertThat(transcript)
        .contains("certificate: serial ")
        .contains("  hello-over-ssh from tenki in /home/tenki")
        .contains("  Linux")
        .contains("the sandbox now holds: copied from the host by scp")
        .contains("downloaded: " + digest);
  }
}
