package cloud.tenki.sandbox.fake;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.CreateSandboxOptions;
import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.SshForwarder;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.ssh.JschGatewayProxy;
import com.jcraft.jsch.ChannelExec;
import com.jcraft.jsch.JSch;
import com.jcraft.jsch.Session;
import java.io.ByteArrayOutputStream;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.common.config.keys.writer.openssh.OpenSSHKeyPairResourceWriter;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/**
 * JSch, a second real SSH client, through the loopback forwarder and through the gateway proxy,
 * authenticating with a key planted by {@code updateSshAuthorizedKeys}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class JschAndForwarderTest {
  private final FakeTenki fake = FakeTenki.inProcess();
  private final TenkiClient client;
  private final Sandbox sandbox;
  private final KeyPair user = FakeSsh.newEcKeyPair();

  JschAndForwarderTest() {
    fake.ssh().startGateway(fake);
    client = TenkiClient.builder().endpoint(fake.endpoint()).token(fake.token).build();
    sandbox = client.sandboxes().create(CreateSandboxOptions.defaults());
    sandbox.updateSshAuthorizedKeys(List.of(FakeSsh.line(user.getPublic()) + " jsch@test"));
  }

  @AfterEach
  void stop() {
    sandbox.close();
    client.close();
    fake.close();
  }

  private JSch jsch() throws Exception {
    ByteArrayOutputStream pem = new ByteArrayOutputStream();
    OpenSSHKeyPairResourceWriter.INSTANCE.writePrivateKey(user, "jsch@test", null, pem);
    JSch jsch = new JSch();
    jsch.addIdentity("tenki-test", pem.toByteArray(), null, null);
    return jsch;
  }

  private static String run(Session session, String command) throws Exception {
    session.setConfig("StrictHostKeyChecking", "no");
    session.connect(20_000);
    try {
      ChannelExec exec = (ChannelExec) session.openChannel("exec");
      exec.setCommand(command);
      InputStream out = exec.getInputStream();
      exec.connect(20_000);
      String text = new String(out.readAllBytes(), StandardCharsets.UTF_8);
      exec.disconnect();
      return text;
    } finally {
      session.disconnect();
    }
  }

  @Test
  void jschRunsACommandThroughTheLoopbackForwarder() throws Exception {
    try (SshForwarder fwd = sandbox.sshForwarder()) {
      assertThat(fwd.address().getAddress().isLoopbackAddress()).isTrue();
      Session session = jsch().getSession("tenki", "127.0.0.1", fwd.port());
      assertThat(run(session, "echo hello-from-jsch")).isEqualTo("hello-from-jsch\n");
    }
  }

  @Test
  void jschRunsACommandThroughTheGatewayProxy() throws Exception {
    Session session = jsch().getSession("tenki", "sandbox.invalid", 22);
    session.setProxy(new JschGatewayProxy(sandbox));
    assertThat(run(session, "echo via-proxy")).isEqualTo("via-proxy\n");
  }

  @Test
  void unknownKeyIsRefused() throws Exception {
    sandbox.updateSshAuthorizedKeys(List.of());
    try (SshForwarder fwd = sandbox.sshForwarder()) {
      Session session = jsch().getSession("tenki", "127.0.0.1", fwd.port());
      session.setConfig("StrictHostKeyChecking", "no");
      org.assertj.core.api.Assertions.assertThatThrownBy(() -> session.connect(20_000))
          .hasMessageContaining("Auth fail");
    }
  }
}
