package cloud.tenki.engine.preview;

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

/** Preview records on disk: {@code <state>/previews/<id>.properties}, written atomically. */
final class PreviewStore {

  private static final Logger LOG = LoggerFactory.getLogger(PreviewStore.class);
  private final Path dir;

  PreviewStore(Path dir) throws IOException {
    this.dir = dir;
    Files.createDirectories(dir);
    Files.setPosixFilePermissions(dir, PosixFilePermissions.fromString("rwx------"));
  }

  void save(Preview p) {
    try {
      Path tmp = dir.resolve(p.id + ".tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        p.toProperties().store(out, "tenki-engine preview URL");
      }
      Files.move(tmp, dir.resolve(p.id + ".properties"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("could not save preview {}: {}", p.id, e.toString());
    }
  }

  void delete(String id) {
    try {
      Files.deleteIfExists(dir.resolve(id + ".properties"));
    } catch (IOException e) {
      LOG.warn("could not delete preview {}: {}", id, e.toString());
    }
  }

  List<Preview> loadAll() throws IOException {
    List<Preview> out = new ArrayList<>();
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, "*.properties")) {
      for (Path f : files) {
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
          p.load(in);
          out.add(Preview.fromProperties(p));
        } catch (IOException | RuntimeException e) {
          LOG.warn("skipping unreadable preview record {}: {}", f.getFileName(), e.toString());
        }
      }
    }
    return out;
  }
}
