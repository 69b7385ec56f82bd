package cloud.tenki.sandbox.suite;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.SshCertificate;
import cloud.tenki.sandbox.SshConnection;
import cloud.tenki.sandbox.SshForwarder;
import java.nio.charset.StandardCharsets;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Duration;
import org.apache.sshd.client.SshClient;
import org.apache.sshd.client.keyverifier.AcceptAllServerKeyVerifier;
import org.apache.sshd.client.session.ClientSession;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.junit.jupiter.api.Test;

/** SSH: a certificate from the service, then a real SSH client through the gateway. */
public interface SshBehaviour extends SuiteContext {

  static KeyPair ecKeyPair() throws Exception {
    KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
    g.initialize(new ECGenParameterSpec("secp256r1"));
    return g.generateKeyPair();
  }

  static PublicKey parse(String line) throws Exception {
    return PublicKeyEntry.parsePublicKeyEntry(line)
        .resolvePublicKey(null, null, PublicKeyEntryResolver.FAILING);
  }

  @Test
  default void issuedCertificateSignsTheGivenKeyForUserTenki() throws Exception {
    KeyPair user = ecKeyPair();
    SshCertificate cert =
        sandbox()
            .issueSshCert(
                PublicKeyEntry.toString(user.getPublic()) + " me@test", Duration.ofMinutes(10));
    assertThat(cert.sshCert()).contains("-cert-v01@openssh.com ");
    OpenSshCertificate parsed = (OpenSshCertificate) parse(cert.sshCert());
    assertThat(parsed.getCertPubKey()).isEqualTo(user.getPublic());
    assertThat(parsed.getPrincipals()).contains("tenki");
    assertThat(parsed.getCaPubKey()).isEqualTo(parse(cert.caPublicKey()));
    assertThat(cert.expiresAt()).isPresent();
  }

  @Test
  default void sshExecRunsThroughTheGatewayWithACertificate() throws Exception {
    KeyPair user = ecKeyPair();
    SshCertificate cert =
        sandbox().issueSshCert(PublicKeyEntry.toString(user.getPublic()), Duration.ofMinutes(10));
    PublicKey certKey = parse(cert.sshCert());
    SshClient ssh = SshClient.setUpDefaultClient();
    ssh.setServerKeyVerifier(AcceptAllServerKeyVerifier.INSTANCE);
    ssh.start();
    try (SshForwarder fwd = sandbox().sshForwarder();
        ClientSession session =
            ssh.connect("tenki", "127.0.0.1", fwd.port())
                .verify(Duration.ofSeconds(20))
                .getSession()) {
      session.addPublicKeyIdentity(new KeyPair(certKey, user.getPrivate()));
      session.auth().verify(Duration.ofSeconds(20));
      String out = session.executeRemoteCommand("echo hello-over-ssh");
      assertThat(out).isEqualTo("hello-over-ssh\n");
    } finally {
      ssh.stop();
    }
  }

  @Test
  default void rawConnectionCarriesSshBytes() throws Exception {
    try (SshConnection conn = sandbox().ssh()) {
      assertThat(conn.isOpen()).isTrue();
      conn.outputStream().write("SSH-2.0-TenkiSuite_1.0\r\n".getBytes(StandardCharsets.US_ASCII));
      byte[] banner = new byte[8];
      int n = conn.inputStream().readNBytes(banner, 0, banner.length);
      assertThat(new String(banner, 0, n, StandardCharsets.US_ASCII)).isEqualTo("SSH-2.0-");
    }
  }
}
