package cloud.tenki.engine.volume;

import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Properties;

/**
 * The durable facts of one volume and its attachment (a volume is attached to at most one session
 * at a time). Not thread-safe: {@link VolumeManager} guards it.
 */
final class VolumeRecord {
  String id;
  String name;
  String workspaceId;
  String projectId = "";
  long sizeBytes;
  Instant createdAt;
  Instant updatedAt;
  List<String> tags = new ArrayList<>();
  String attachmentId;
  String sessionId;
  String mountPath;
  boolean readonly;
  String attachState = "";

  /** The image grew while mounted but the file system could not follow online. */
  boolean growPending;

  /** The host uid the volume's files were last handed to (0: as created). */
  int ownerUid;

  boolean attached() {
    return sessionId != null;
  }

  Properties toProperties() {
    Properties p = new Properties();
    p.setProperty("id", id);
    p.setProperty("name", name);
    p.setProperty("workspace_id", workspaceId);
    p.setProperty("project_id", projectId);
    p.setProperty("size_bytes", Long.toString(sizeBytes));
    p.setProperty("created_at", createdAt.toString());
    p.setProperty("updated_at", updatedAt.toString());
    for (int i = 0; i < tags.size(); i++) {
      p.setProperty("tag." + i, tags.get(i));
    }
    p.setProperty("grow_pending", Boolean.toString(growPending));
    p.setProperty("owner_uid", Integer.toString(ownerUid));
    if (sessionId != null) {
      p.setProperty("attachment_id", attachmentId);
      p.setProperty("session_id", sessionId);
      p.setProperty("mount_path", mountPath);
      p.setProperty("readonly", Boolean.toString(readonly));
    }
    return p;
  }

  static VolumeRecord fromProperties(Properties p) {
    VolumeRecord r = new VolumeRecord();
    r.id = p.getProperty("id");
    r.name = p.getProperty("name", "");
    r.workspaceId = p.getProperty("workspace_id", "local");
    r.projectId = p.getProperty("project_id", "");
    r.sizeBytes = Long.parseLong(p.getProperty("size_bytes"));
    r.createdAt = Instant.parse(p.getProperty("created_at"));
    r.updatedAt = Instant.parse(p.getProperty("updated_at"));
    for (int i = 0; p.getProperty("tag." + i) != null; i++) {
      r.tags.add(p.getProperty("tag." + i));
    }
    r.growPending = Boolean.parseBoolean(p.getProperty("grow_pending"));
    r.ownerUid = Integer.parseInt(p.getProperty("owner_uid", "0"));
    r.sessionId = p.getProperty("session_id");
    if (r.sessionId != null) {
      r.attachmentId = p.getProperty("attachment_id");
      r.mountPath = p.getProperty("mount_path");
      r.readonly = Boolean.parseBoolean(p.getProperty("readonly"));
      r.attachState = "pending";
    }
    return r;
  }
}
