package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.proto.sandbox.v1.CreateSessionCredentialRequest;
import cloud.tenki.proto.sandbox.v1.CreateSessionResponse;
import cloud.tenki.proto.sandbox.v1.ResumeSessionRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSession;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Host-side views of sandbox uids for the uid lease tests: what the kernel says, not the engine.
 */
final class SandboxHostUids {

  private SandboxHostUids() {}

  /** A uid range no other test class uses, so a tiny range is not filled by a neighbour. */
  static int privateBase() {
    return 2_000_000 + ThreadLocalRandom.current().nextInt(100_000) * 16;
  }

  static Path rootfs(Path stateDir, String sessionId) {
    return stateDir.resolve("sandboxes").resolve(sessionId).resolve("rootfs");
  }

  /** Has a sandbox process create a file and answers the host uid that owns it. */
  static int uidOfNewFile(Path stateDir, EngineClient.Sandbox sb, String name) throws Exception {
    var r = sb.run("sh", "-c", "echo probe > /home/tenki/" + name);
    assertThat(r.code()).as(r.err()).isZero();
    return ownerOf(rootfs(stateDir, sb.id).resolve("home/tenki").resolve(name));
  }

  static int ownerOf(Path p) throws IOException {
    return (Integer) Files.getAttribute(p, "unix:uid", LinkOption.NOFOLLOW_LINKS);
  }

  /**
   * Every uid (real, effective, saved, file system) of the host processes whose command line names
   * the sandbox's tree: its launcher and init.
   */
  static Set<Integer> processUids(Path rootfs) throws IOException {
    Set<Integer> uids = new TreeSet<>();
    String needle = rootfs.toString();
    int found = 0;
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        try {
          String cmd =
              new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8)
                  .replace('\0', ' ');
          if (cmd.contains(needle)) {
            uids.addAll(statusUids(p));
            found++;
          }
        } catch (IOException e) {
          // exited meanwhile
        }
      }
    }
    assertThat(found).as("host processes of the sandbox at " + rootfs).isPositive();
    return uids;
  }

  /** Whether any live host process has {@code uid} among its uids. */
  static boolean anyProcessRunsAs(int uid) throws IOException {
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        try {
          if (statusUids(p).contains(uid)) {
            return true;
          }
        } catch (IOException e) {
          // exited meanwhile
        }
      }
    }
    return false;
  }

  private static Set<Integer> statusUids(Path proc) throws IOException {
    Set<Integer> uids = new TreeSet<>();
    for (String line : Files.readAllLines(proc.resolve("status"), StandardCharsets.ISO_8859_1)) {
      if (line.startsWith("Uid:")) {
        for (String f : line.substring(4).trim().split("\\s+")) {
          uids.add(Integer.parseInt(f));
        }
      }
    }
    return uids;
  }

  /** Resumes a session found paused after a restart and returns a data-plane view of it. */
  static EngineClient.Sandbox resumed(EngineClient c, String id) {
    c.control.resumeSession(ResumeSessionRequest.newBuilder().setSessionId(id).build());
    var cred =
        c.control.createSessionCredential(
            CreateSessionCredentialRequest.newBuilder().setSessionId(id).build());
    return c
    .new Sandbox(
        CreateSessionResponse.newBuilder()
            .setSession(SandboxSession.newBuilder().setId(id))
            .setCredential(cred.getCredential())
            .build());
  }
}
