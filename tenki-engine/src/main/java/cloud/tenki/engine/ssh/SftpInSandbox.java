package cloud.tenki.engine.ssh;

import cloud.tenki.engine.session.Session;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.apache.sshd.server.subsystem.SubsystemFactory;

/**
 * The {@code sftp} subsystem: OpenSSH's {@code sftp-server} run inside the sandbox as {@code tenki}
 * (the host's {@code /usr} is the sandbox's), so every path an SFTP client names is resolved by the
 * kernel against the sandbox's own root with the sandbox user's rights, exactly like file rpcs. The
 * engine itself never opens a file for SFTP. Without {@code sftp-server} installed (Debian package
 * {@code openssh-sftp-server}) the subsystem fails with a message saying so.
 */
final class SftpInSandbox implements SubsystemFactory {

  private static final List<String> CANDIDATES =
      List.of(
          "/usr/lib/openssh/sftp-server",
          "/usr/libexec/openssh/sftp-server",
          "/usr/lib/ssh/sftp-server",
          "/usr/libexec/sftp-server",
          "/usr/lib/sftp-server");

  /** Finds the session of a channel (throws when its sandbox is gone). */
  interface SessionLookup {
    Session find(ChannelSession channel) throws IOException;
  }

  private final SessionLookup lookup;

  SftpInSandbox(SessionLookup lookup) {
    this.lookup = lookup;
  }

  /** The sftp-server binary, if the host has one under {@code /usr}. */
  static Optional<String> binary() {
    return CANDIDATES.stream().filter(p -> Files.isExecutable(Path.of(p))).findFirst();
  }

  @Override
  public String getName() {
    return "sftp";
  }

  @Override
  public Command createSubsystem(ChannelSession channel) throws IOException {
    Optional<String> bin = binary();
    if (bin.isEmpty()) {
      return new Unavailable();
    }
    return new SandboxCommand(lookup.find(channel), null, List.of(bin.get()));
  }

  /** Fails the subsystem with a reason, for hosts without sftp-server. */
  private static final class Unavailable implements Command {
    private OutputStream err;
    private ExitCallback exit;

    @Override
    public void setInputStream(InputStream in) {}

    @Override
    public void setOutputStream(OutputStream out) {}

    @Override
    public void setErrorStream(OutputStream err) {
      this.err = err;
    }

    @Override
    public void setExitCallback(ExitCallback callback) {
      this.exit = callback;
    }

    @Override
    public void start(ChannelSession channel, Environment env) throws IOException {
      err.write(
          "sftp is not available on this engine: install openssh-sftp-server\n"
              .getBytes(StandardCharsets.UTF_8));
      err.flush();
      exit.onExit(127, "sftp-server not installed");
    }

    @Override
    public void destroy(ChannelSession channel) {}
  }
}
