package cloud.tenki.engine.volume;

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

/** Volume records and images on disk: {@code <state>/volumes/<id>/{volume.properties,disk.img}}. */
final class VolumeStore {

  private static final Logger LOG = LoggerFactory.getLogger(VolumeStore.class);
  private final Path root;

  VolumeStore(Path root) throws IOException {
    this.root = root;
    Files.createDirectories(root);
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
  }

  Path dir(String id) {
    return root.resolve(id);
  }

  void save(VolumeRecord r) {
    try {
      Path tmp = dir(r.id).resolve("volume.properties.tmp");
      try (OutputStream out = Files.newOutputStream(tmp)) {
        r.toProperties().store(out, "tenki-engine volume");
      }
      Files.move(tmp, dir(r.id).resolve("volume.properties"), StandardCopyOption.ATOMIC_MOVE);
    } catch (IOException e) {
      LOG.warn("could not save volume {}: {}", r.id, e.toString());
    }
  }

  void delete(String id) {
    VolumeManager.deleteTree(dir(id));
  }

  List<VolumeRecord> loadAll() throws IOException {
    List<VolumeRecord> out = new ArrayList<>();
    try (DirectoryStream<Path> dirs = Files.newDirectoryStream(root)) {
      for (Path d : dirs) {
        Path f = d.resolve("volume.properties");
        if (!Files.isRegularFile(f)) {
          continue;
        }
        Properties p = new Properties();
        try (InputStream in = Files.newInputStream(f)) {
          p.load(in);
          out.add(VolumeRecord.fromProperties(p));
        } catch (IOException | RuntimeException e) {
          LOG.warn("skipping unreadable volume record {}: {}", d.getFileName(), e.toString());
        }
      }
    }
    return out;
  }
}
