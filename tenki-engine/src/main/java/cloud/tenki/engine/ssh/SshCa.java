package cloud.tenki.engine.ssh;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.SecureRandom;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.PKCS8EncodedKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import org.apache.sshd.certificate.OpenSshCertificateBuilder;
import org.apache.sshd.common.config.keys.KeyUtils;
import org.apache.sshd.common.config.keys.OpenSshCertificate;
import org.apache.sshd.common.config.keys.PublicKeyEntry;
import org.apache.sshd.common.config.keys.PublicKeyEntryResolver;
import org.apache.sshd.common.signature.BuiltinSignatures;
import org.apache.sshd.common.signature.Signature;

/**
 * The engine's SSH certificate authority: an ECDSA P-256 key kept in the state directory
 * (owner-only), which signs short-lived OpenSSH user certificates for principal {@code tenki}, each
 * bound to one session through its key id, and checks certificates presented to the SSH gateway.
 *
 * <p>Thread-safe and immutable after construction.
 */
public final class SshCa {

  /** The only login name sandboxes accept. */
  public static final String PRINCIPAL = "tenki";

  /** Key ids look like {@code tenki-session:<session id>:<serial>}. */
  static final String KEY_ID_PREFIX = "tenki-session:";

  /** Longest certificate the engine issues, whatever the request asks. */
  public static final Duration MAX_TTL = Duration.ofHours(24);

  /** Lifetime of a certificate when the request asks for none. */
  public static final Duration DEFAULT_TTL = Duration.ofHours(1);

  /** Clock skew a freshly issued certificate tolerates (valid from a minute before issue). */
  private static final Duration SKEW = Duration.ofMinutes(1);

  private static final Map<String, String> EXTENSIONS = Map.of("permit-pty", "");

  private final KeyPair key;
  private final String publicLine;
  private final Clock clock;
  private final SecureRandom random = new SecureRandom();

  private SshCa(KeyPair key, Clock clock) {
    this.key = key;
    this.clock = clock;
    this.publicLine = PublicKeyEntry.toString(key.getPublic());
  }

  /** Loads the CA key from {@code file} (and {@code file.pub}), creating both the first time. */
  public static SshCa loadOrCreate(Path file, Clock clock) throws IOException {
    Path pub = file.resolveSibling(file.getFileName() + ".pub");
    try {
      KeyFactory kf = KeyFactory.getInstance("EC");
      if (Files.isRegularFile(file) && Files.isRegularFile(pub)) {
        PrivateKey priv = kf.generatePrivate(new PKCS8EncodedKeySpec(Files.readAllBytes(file)));
        PublicKey pk = kf.generatePublic(new X509EncodedKeySpec(Files.readAllBytes(pub)));
        return new SshCa(new KeyPair(pk, priv), clock);
      }
      KeyPairGenerator g = KeyPairGenerator.getInstance("EC");
      g.initialize(new ECGenParameterSpec("secp256r1"));
      KeyPair kp = g.generateKeyPair();
      Files.createDirectories(file.getParent());
      Files.setPosixFilePermissions(file.getParent(), PosixFilePermissions.fromString("rwx------"));
      writeOwnerOnly(pub, kp.getPublic().getEncoded());
      writeOwnerOnly(file, kp.getPrivate().getEncoded());
      return new SshCa(kp, clock);
    } catch (GeneralSecurityException e) {
      throw new IOException("cannot load or create the SSH CA key: " + e.getMessage(), e);
    }
  }

  private static void writeOwnerOnly(Path file, byte[] data) throws IOException {
    Path tmp = file.resolveSibling(file.getFileName() + ".tmp");
    Files.write(tmp, data);
    Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
    Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE);
  }

  /** The CA's public key as an OpenSSH line ({@code ecdsa-sha2-nistp256 AAAA...}). */
  public String publicKeyLine() {
    return publicLine;
  }

  /** The CA public key. */
  public PublicKey publicKey() {
    return key.getPublic();
  }

  /** A certificate and its facts. */
  public record Issued(String certificateLine, long serial, Instant expiresAt) {}

  /**
   * Signs {@code publicKeyLine} (an OpenSSH public key: ed25519, ECDSA or RSA) as a user
   * certificate for principal {@code tenki} and session {@code sessionId}, valid for {@code ttl}
   * (default 1 h, capped at 24 h).
   */
  public Issued issue(String sessionId, String publicKeyLine, Duration ttl) {
    PublicKey user = parseUserKey(publicKeyLine);
    Duration life = ttl == null || ttl.isZero() ? DEFAULT_TTL : ttl;
    if (life.isNegative()) {
      throw Status.INVALID_ARGUMENT
          .withDescription("requested_ttl must not be negative")
          .asRuntimeException();
    }
    if (life.compareTo(MAX_TTL) > 0) {
      life = MAX_TTL;
    }
    Instant now = clock.instant();
    Instant expires = now.plus(life);
    long serial = random.nextLong() & Long.MAX_VALUE;
    try {
      OpenSshCertificate cert =
          OpenSshCertificateBuilder.userCertificate()
              .publicKey(user)
              .serial(serial)
              .id(KEY_ID_PREFIX + sessionId + ":" + serial)
              .principals(List.of(PRINCIPAL))
              .validAfter(now.minus(SKEW))
              .validBefore(expires)
              .extensions(EXTENSIONS)
              .sign(key);
      return new Issued(PublicKeyEntry.toString(cert), serial, expires);
    } catch (Exception e) {
      throw Status.INVALID_ARGUMENT
          .withDescription("public_key cannot be certified: " + e.getClass().getSimpleName())
          .asRuntimeException();
    }
  }

  private static PublicKey parseUserKey(String line) {
    if (line == null || line.isBlank()) {
      throw Status.INVALID_ARGUMENT.withDescription("public_key is required").asRuntimeException();
    }
    PublicKey k;
    try {
      k =
          PublicKeyEntry.parsePublicKeyEntry(line.strip())
              .resolvePublicKey(null, Map.of(), PublicKeyEntryResolver.FAILING);
    } catch (Exception e) {
      k = null;
    }
    if (k == null || k instanceof OpenSshCertificate) {
      throw Status.INVALID_ARGUMENT
          .withDescription(
              "public_key must be an OpenSSH public key line (ssh-ed25519, ecdsa-sha2-nistp256/384/521 or ssh-rsa)")
          .asRuntimeException();
    }
    return k;
  }

  private boolean signedByUs(OpenSshCertificate cert) throws Exception {
    var factory = BuiltinSignatures.fromFactoryName(cert.getSignatureAlgorithm());
    if (factory == null || !factory.isSupported()) {
      return false;
    }
    Signature verifier = factory.create();
    verifier.initVerifier(null, key.getPublic());
    verifier.update(null, cert.getMessage());
    return verifier.verify(null, cert.getSignature());
  }

  /**
   * Whether {@code cert} is one of ours for {@code sessionId}, usable now: signed by this CA, a
   * user certificate for principal {@code tenki}, within its validity, with this session in its key
   * id.
   */
  public boolean accepts(OpenSshCertificate cert, String sessionId) {
    try {
      if (!KeyUtils.compareKeys(cert.getCaPubKey(), key.getPublic())
          || cert.getType() != OpenSshCertificate.Type.USER
          || !cert.getPrincipals().contains(PRINCIPAL)
          || !cert.getId().startsWith(KEY_ID_PREFIX + sessionId + ":")
          || !cert.getCriticalOptions().isEmpty()) {
        return false;
      }
      return OpenSshCertificate.isValidAt(cert, clock.instant()) && signedByUs(cert);
    } catch (Exception e) {
      return false;
    }
  }
}
