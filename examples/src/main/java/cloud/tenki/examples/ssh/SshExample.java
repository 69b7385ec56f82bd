package cloud.tenki.examples.ssh;

import cloud.tenki.examples.support.ExampleClients;
import cloud.tenki.examples.support.HostCommand;
import cloud.tenki.sandbox.CreateSandboxOptions;
import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.SshCertificate;
import cloud.tenki.sandbox.SshForwarder;
import cloud.tenki.sandbox.TenkiClient;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.stream.Stream;

/**
 * SSH into a sandbox with the real OpenSSH client: a fresh key pair, a short-lived certificate the
 * service signs for this sandbox, and {@code ssh}/{@code scp} connecting through {@link
 * Sandbox#sshForwarder()} (a loopback port bridged to the sandbox's SSH gateway over a WebSocket).
 * No key is planted in the sandbox.
 *
 * <p>Run it (needs {@code ssh}, {@code scp} and {@code ssh-keygen}: {@code apt-get install
 * openssh-client}; scp's SFTP mode also wants {@code openssh-sftp-server} on the engine's machine):
 *
 * <pre>
 * ./mvnw -q -pl examples -am verify -DskipTests -Pssh
 * </pre>
 */
public final class SshExample {
  static final List<String> TOOLS = List.of("ssh", "scp", "ssh-keygen");
  private static final Duration LIMIT = Duration.ofSeconds(60);

  private SshExample() {}

  public static void main(String[] args) {
    List<String> missing = missingTools();
    if (!missing.isEmpty()) {
      System.err.println(
          "This example drives the OpenSSH client, but "
              + String.join(", ", missing)
              + " is not installed. Install it with: sudo apt-get install openssh-client");
      System.exit(2);
    }
    try (TenkiClient client = ExampleClients.fromEnvironment()) {
      run(client, System.out);
    }
  }

  /** The OpenSSH programs this example needs that are not on {@code PATH}. */
  public static List<String> missingTools() {
    return TOOLS.stream().filter(t -> !HostCommand.installed(t)).toList();
  }

  /** Creates a sandbox, runs a command and copies files both ways over SSH, printing to out. */
  public static void run(TenkiClient client, PrintStream out) {
    Path dir = privateTempDir();
    try (Sandbox sb = client.sandboxes().create(CreateSandboxOptions.builder().build())) {
      out.println("sandbox " + sb.id() + " is running");
      Path key = keyPairAndCertificate(sb, dir, out);
      try (SshForwarder fwd = sb.sshForwarder()) {
        out.println("forwarder: 127.0.0.1:" + fwd.port() + " -> the sandbox's SSH gateway");
        runCommand(fwd.port(), key, out);
        copyBothWays(sb, fwd.port(), key, dir, out);
      }
    } finally {
      deleteTree(dir);
    }
  }

  /** Steps 1 and 2: a local ed25519 key pair, and a 10-minute certificate for this sandbox. */
  static Path keyPairAndCertificate(Sandbox sb, Path dir, PrintStream out) {
    Path key = dir.resolve("id_tenki");
    HostCommand.run(
            List.of(
                "ssh-keygen",
                "-t",
                "ed25519",
                "-N",
                "",
                "-q",
                "-C",
                "tenki-example",
                "-f",
                key.toString()),
            LIMIT)
        .check();
    try {
      String publicKey = Files.readString(dir.resolve("id_tenki.pub"));
      SshCertificate cert = sb.issueSshCert(publicKey, Duration.ofMinutes(10));
      Files.writeString(dir.resolve("id_tenki-cert.pub"), cert.sshCert());
      out.println(
          "certificate: serial "
              + cert.serial()
              + ", valid until "
              + cert.expiresAt().orElse(null)
              + ", user tenki");
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return key;
  }

  /** Step 3: {@code ssh} runs a command in the sandbox. */
  static void runCommand(int port, Path key, PrintStream out) {
    List<String> argv = new ArrayList<>(List.of("ssh", "-n", "-p", String.valueOf(port)));
    argv.addAll(clientOptions(key));
    argv.add("tenki@127.0.0.1");
    argv.add("echo hello-over-ssh from $(whoami) in $(pwd); uname -s");
    HostCommand r = HostCommand.run(argv, LIMIT).check();
    out.println("$ ssh tenki@sandbox 'echo hello-over-ssh ...'");
    r.stdout().lines().forEach(line -> out.println("  " + line));
  }

  /** Step 4: {@code scp} uploads a file (checked through the SDK) and downloads one. */
  static void copyBothWays(Sandbox sb, int port, Path key, Path dir, PrintStream out) {
    try {
      Path local = dir.resolve("upload.txt");
      Files.writeString(local, "copied from the host by scp\n");
      scp(port, key, local.toString(), "tenki@127.0.0.1:uploaded.txt");
      out.println("$ scp upload.txt tenki@sandbox:uploaded.txt");
      out.println("  the sandbox now holds: " + sb.fs().readText("uploaded.txt").strip());

      sb.shell("sha256sum uploaded.txt | cut -c1-16 > report.txt").check();
      Path back = dir.resolve("report.txt");
      scp(port, key, "tenki@127.0.0.1:report.txt", back.toString());
      out.println("$ scp tenki@sandbox:report.txt .");
      out.println("  downloaded: " + Files.readString(back).strip());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void scp(int port, Path key, String from, String to) {
    List<String> argv = new ArrayList<>(List.of("scp", "-q", "-P", String.valueOf(port)));
    argv.addAll(clientOptions(key));
    argv.add(from);
    argv.add(to);
    HostCommand.run(argv, LIMIT).check();
  }

  /**
   * Options for an unattended client that uses only this key and certificate. The host key is not
   * pinned: the forwarder reaches the gateway over the service's authenticated WebSocket, and the
   * gateway's host key is not published.
   */
  static List<String> clientOptions(Path key) {
    return List.of(
        "-F", "/dev/null",
        "-i", key.toString(),
        "-o", "CertificateFile=" + key + "-cert.pub",
        "-o", "IdentitiesOnly=yes",
        "-o", "BatchMode=yes",
        "-o", "StrictHostKeyChecking=no",
        "-o", "UserKnownHostsFile=/dev/null",
        "-o", "LogLevel=ERROR",
        "-o", "ConnectTimeout=20");
  }

  private static Path privateTempDir() {
    try {
      return Files.createTempDirectory(
          "tenki-ssh-",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private static void deleteTree(Path dir) {
    try (Stream<Path> paths = Files.walk(dir)) {
      paths.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
    } catch (IOException e) {
      // best effort: a leftover temp directory is harmless
    }
  }
}
