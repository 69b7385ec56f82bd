package cloud.tenki.sandbox;

import java.time.Duration;
import java.time.Instant;
import java.util.Optional;

/**
 * A short-lived OpenSSH user certificate for one sandbox, signed by the service's SSH CA, from
 * {@link Sandbox#issueSshCert(String, Duration)}. Write {@link #sshCert()} next to the private key
 * as {@code id_xxx-cert.pub}; the SSH user is {@code tenki}.
 *
 * <pre>{@code
 * SshCertificate cert = sandbox.issueSshCert(Files.readString(Path.of("id_tenki.pub")),
 *     Duration.ofMinutes(10));
 * Files.writeString(Path.of("id_tenki-cert.pub"), cert.sshCert());
 * }</pre>
 *
 * @param sshCert the certificate line ({@code ssh-ed25519-cert-v01@openssh.com AAAA...})
 * @param caPublicKey the CA's public key line
 * @param expiresAt when the certificate expires, if known
 * @param serial the certificate serial
 * @param renewalAfter when to mint a new one, if the server advises
 * @param allowPty whether a PTY may be requested
 * @param allowPortForwarding whether local port forwarding is allowed
 */
public record SshCertificate(
    String sshCert,
    String caPublicKey,
    Optional<Instant> expiresAt,
    String serial,
    Optional<Duration> renewalAfter,
    boolean allowPty,
    boolean allowPortForwarding) {}
