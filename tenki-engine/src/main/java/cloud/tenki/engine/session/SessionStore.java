package cloud.tenki.engine.session;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Keeps session records on disk: {@code <state>/sandboxes/<id>/session.properties} beside the
 * sandbox's {@code rootfs/}. Writes are atomic (temp file + rename); files are owner-only because a
 * record holds the session's environment variables.
 *
 * <p>Thread-safe for distinct sessions; a session's writes are serialised by its own lock.
 */
final class SessionStore {

  private static final Logger LOG = LoggerFactory.getLogger(SessionStore.class);
  private static final String RECORD = "session.properties";

  private final Path root;

  SessionStore(Path stateDir) throws IOException {
    this.root = stateDir.resolve("sandboxes");
    Files.createDirectories(root);
    // traversable (not listable) by the unprivileged uids sandboxes run as
    Files.setPosixFilePermissions(stateDir, PosixFilePermissions.fromString("rwx--x--x"));
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx--x--x"));
  }

  Path dir(String id) {
    return root.resolve(id);
  }

  Path rootfs(String id) {
    return dir(id).resolve("rootfs");
  }

  void save(SessionRecord r) {
    Path dir = dir(r.id);
    try {
      Files.createDirectories(dir);
      Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx--x--x"));
      Path tmp = dir.resolve(RECORD + ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        Files.setPosixFilePermissions(tmp, PosixFilePermissions.fromString("rw-------"));
        r.toProperties().store(out, "tenki-engine session record");
      }
      Files.move(tmp, dir.resolve(RECORD), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("could not save session {}: {}", r.id, e.toString());
    }
  }

  /** Removes a session's directory (record and any leftover files). */
  void delete(String id) {
    try {
      cloud.tenki.engine.sandbox.Rootfs.delete(dir(id));
    } catch (IOException e) {
      LOG.warn("could not delete session {}: {}", id, e.toString());
    }
  }

  List<SessionRecord> loadAll() throws IOException {
    List<SessionRecord> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path d : dirs) {
        Path f = d.resolve(RECORD);
        if (!Files.isRegularFile(f)) {
          continue;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
          p.load(in);
          out.add(SessionRecord.fromProperties(p));
        } catch (IOException | RuntimeException e) {
          LOG.warn("skipping unreadable session record {}: {}", f, e.toString());
        }
      }
    }
    return out;
  }
}
