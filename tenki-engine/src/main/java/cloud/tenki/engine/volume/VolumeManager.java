package cloud.tenki.engine.volume;

import cloud.tenki.engine.sandbox.Rootfs;
import cloud.tenki.engine.session.Session;
import cloud.tenki.engine.session.SessionManager;
import cloud.tenki.proto.sandbox.v1.SessionState;
import cloud.tenki.proto.sandbox.v1.Volume;
import cloud.tenki.proto.sandbox.v1.VolumeAttachment;
import cloud.tenki.proto.sandbox.v1.VolumeState;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Volumes: persistent ext4 images in the state directory, attached to at most one session at a time
 * and mounted inside its sandbox at the attachment's path (read-only when asked). An attachment to
 * a running sandbox is mounted at once; to a paused one, when it resumes; every resume (including
 * after an engine restart) mounts the session's attachments again. Data lives in the image, so it
 * survives the sandbox and the engine.
 *
 * <p>Thread-safe: one lock guards the records; mounting and unmounting run outside it.
 */
public final class VolumeManager {

  private static final Logger LOG = LoggerFactory.getLogger(VolumeManager.class);

  /** Smallest volume: what an ext4 file system with a journal needs to be useful. */
  public static final long MIN_BYTES = 16L * 1024 * 1024;

  private final SessionManager sessions;
  private final Clock clock;
  private final long maxBytes;
  private final Map<String, VolumeRecord> volumes = new HashMap<>();
  private final VolumeStore store;
  private final java.security.SecureRandom random = new java.security.SecureRandom();

  public VolumeManager(Path root, SessionManager sessions, Clock clock, long maxBytes)
      throws IOException {
    this.sessions = sessions;
    this.clock = clock;
    this.maxBytes = maxBytes;
    this.store = new VolumeStore(root);
    for (VolumeRecord r : store.loadAll()) {
      volumes.put(r.id, r);
    }
    sessions.addStartListener(this::mountAll);
    sessions.setCreatePreparer((s, req) -> attachOnCreate(s.id(), req.getVolumesList()));
    sessions.addTerminationListener(this::sessionTerminated);
  }

  // ---- resources ----------------------------------------------------------------------------

  public Volume create(String workspaceId, String name, long sizeBytes, String projectId) {
    if (name == null || name.isBlank()) {
      throw invalid("name is required");
    }
    if (name.length() > 256) {
      throw invalid("name must be at most 256 characters");
    }
    checkSize("size_bytes", sizeBytes);
    VolumeRecord r = new VolumeRecord();
    r.id = "vol_" + HexFormat.of().formatHex(bytes(12));
    r.name = name.strip();
    r.workspaceId = workspaceId == null || workspaceId.isEmpty() ? "local" : workspaceId;
    r.projectId = projectId == null ? "" : projectId;
    r.sizeBytes = sizeBytes;
    r.createdAt = clock.instant();
    r.updatedAt = r.createdAt;
    try {
      Files.createDirectories(store.dir(r.id));
      VolumeImages.create(image(r.id), sizeBytes);
    } catch (IOException e) {
      LOG.warn("volume {} could not be created: {}", r.id, e.getMessage());
      store.delete(r.id);
      throw Status.UNAVAILABLE
          .withDescription("volume could not be created (details in the engine's log)")
          .asRuntimeException();
    }
    synchronized (this) {
      volumes.put(r.id, r);
      store.save(r);
      return view(r);
    }
  }

  public synchronized Volume get(String id) {
    return view(require(id));
  }

  public synchronized List<VolumeAttachment> attachments(String id) {
    VolumeRecord r = require(id);
    return r.attached() ? List.of(attachment(r)) : List.of();
  }

  /** Volumes oldest first, filtered by workspace when given; paged by offset tokens. */
  public synchronized Page list(String workspaceId, int pageSize, String token) {
    int size = pageSize <= 0 ? 50 : Math.min(pageSize, 1000);
    int from;
    try {
      from = token == null || token.isEmpty() ? 0 : Integer.parseInt(token);
    } catch (NumberFormatException e) {
      throw invalid("invalid page_token");
    }
    List<VolumeRecord> all = new ArrayList<>();
    for (VolumeRecord r : volumes.values()) {
      if (workspaceId == null || workspaceId.isEmpty() || workspaceId.equals(r.workspaceId)) {
        all.add(r);
      }
    }
    all.sort(Comparator.comparing((VolumeRecord r) -> r.createdAt).thenComparing(r -> r.id));
    List<Volume> page = new ArrayList<>();
    for (int i = Math.max(0, from); i < all.size() && page.size() < size; i++) {
      page.add(view(all.get(i)));
    }
    int next = from + page.size();
    return new Page(page, next < all.size() ? Integer.toString(next) : "");
  }

  /** A page of volumes and the next page's token (empty at the end). */
  public record Page(List<Volume> volumes, String nextToken) {}

  public synchronized Volume update(String id, String name, List<String> tags, boolean clearTags) {
    VolumeRecord r = require(id);
    if (name != null) {
      if (name.isBlank() || name.length() > 256) {
        throw invalid("name must be 1 to 256 characters");
      }
      r.name = name.strip();
    }
    if (clearTags) {
      r.tags.clear();
    }
    if (!tags.isEmpty()) {
      r.tags = new ArrayList<>(new java.util.LinkedHashSet<>(tags));
    }
    r.updatedAt = clock.instant();
    store.save(r);
    return view(r);
  }

  public void delete(String id) {
    synchronized (this) {
      VolumeRecord r = require(id);
      if (r.attached()) {
        throw Status.FAILED_PRECONDITION
            .withDescription(
                "volume " + id + " is attached to session " + r.sessionId + "; detach it first")
            .asRuntimeException();
      }
      volumes.remove(id);
    }
    store.delete(id);
  }

  public Volume resize(String id, long newSize) {
    checkSize("new_size_bytes", newSize);
    VolumeRecord r;
    String attachedTo;
    synchronized (this) {
      r = require(id);
      attachedTo = r.sessionId;
    }
    // outside the lock: session state takes the session's own lock
    Session mountedIn = attachedTo == null ? null : runningSession(attachedTo);
    synchronized (this) {
      if (mountedIn != null && newSize < r.sizeBytes) {
        throw Status.FAILED_PRECONDITION
            .withDescription(
                "a volume mounted in a running sandbox can only grow; detach it to shrink")
            .asRuntimeException();
      }
    }
    boolean pending = false;
    try {
      if (newSize == r.sizeBytes) {
        return get(id);
      }
      if (mountedIn != null) {
        // the image grows now; its file system follows at the next mount (growing a mounted
        // ext4 would mean running resize2fs against the sandbox's mount table as root)
        try (java.io.RandomAccessFile f = new java.io.RandomAccessFile(image(id).toFile(), "rw")) {
          f.setLength(newSize);
        }
        pending = true;
      } else {
        VolumeImages.resizeOffline(image(id), newSize, r.sizeBytes);
      }
    } catch (IOException e) {
      LOG.warn("volume {} could not be resized: {}", id, e.getMessage());
      throw Status.UNAVAILABLE
          .withDescription("volume could not be resized (details in the engine's log)")
          .asRuntimeException();
    }
    synchronized (this) {
      r.sizeBytes = newSize;
      r.growPending = pending;
      r.updatedAt = clock.instant();
      store.save(r);
      return view(r);
    }
  }

  // ---- attachments --------------------------------------------------------------------------

  /** Attaches and, when the sandbox runs, mounts at once. */
  public VolumeAttachment attach(String sessionId, String volumeId, String mountPath, boolean ro) {
    String path = MountPaths.check(mountPath);
    Session s = sessions.get(sessionId);
    if (s.state() == SessionState.SESSION_STATE_TERMINATED) {
      throw Status.FAILED_PRECONDITION
          .withDescription("session " + sessionId + " is not running (state=TERMINATED)")
          .asRuntimeException();
    }
    requireMountable(s);
    VolumeRecord r;
    synchronized (this) {
      r = require(volumeId);
      if (r.attached()) {
        throw Status.FAILED_PRECONDITION
            .withDescription(
                "volume " + volumeId + " is already attached to session " + r.sessionId)
            .asRuntimeException();
      }
      for (VolumeRecord o : volumes.values()) {
        if (sessionId.equals(o.sessionId) && MountPaths.overlap(path, o.mountPath)) {
          throw Status.FAILED_PRECONDITION
              .withDescription(
                  "mount_path overlaps " + o.mountPath + " where another volume is attached")
              .asRuntimeException();
        }
      }
      r.attachmentId = "va_" + HexFormat.of().formatHex(bytes(8));
      r.sessionId = sessionId;
      r.mountPath = path;
      r.readonly = ro;
      r.attachState = "pending";
      r.updatedAt = clock.instant();
      store.save(r);
    }
    if (s.state() == SessionState.SESSION_STATE_RUNNING) {
      try {
        prepare(r, s, ro);
        VolumeImages.mount(s.sandbox(), image(volumeId), path, ro);
      } catch (IOException | RuntimeException e) {
        synchronized (this) {
          r.sessionId = null;
          r.mountPath = null;
          r.attachmentId = null;
          store.save(r);
        }
        if (e instanceof io.grpc.StatusRuntimeException sre) {
          throw sre;
        }
        LOG.warn("volume {} could not be mounted in {}: {}", volumeId, sessionId, e.getMessage());
        throw Status.UNAVAILABLE
            .withDescription("volume could not be mounted (details in the engine's log)")
            .asRuntimeException();
      }
      synchronized (this) {
        r.attachState = "attached";
      }
    }
    synchronized (this) {
      return attachment(r);
    }
  }

  /**
   * Detaches: unmounts in a running sandbox first. A volume in use there (open files, a working
   * directory) is refused with FAILED_PRECONDITION unless {@code force}, which detaches it lazily:
   * processes that hold it keep their open files until they close them.
   */
  public void detach(String sessionId, String volumeId, boolean force) {
    sessions.get(sessionId);
    VolumeRecord r;
    synchronized (this) {
      r = require(volumeId);
      if (!sessionId.equals(r.sessionId)) {
        throw Status.NOT_FOUND
            .withDescription("volume " + volumeId + " is not attached to session " + sessionId)
            .asRuntimeException();
      }
    }
    Session s = runningSession(sessionId);
    if (s != null) {
      try {
        if (!VolumeImages.unmount(s.sandbox(), r.mountPath, false)) {
          if (!force) {
            throw Status.FAILED_PRECONDITION
                .withDescription(
                    "volume is busy in the sandbox (open files or a working directory under "
                        + r.mountPath
                        + "); close them or detach with force_detach")
                .asRuntimeException();
          }
          VolumeImages.unmount(s.sandbox(), r.mountPath, true);
        }
      } catch (IOException e) {
        LOG.warn("volume {} could not be unmounted: {}", volumeId, e.getMessage());
      }
    }
    synchronized (this) {
      clearAttachment(r);
    }
  }

  /** Everything a volume needs before it is mounted in {@code s}'s sandbox. */
  private void prepare(VolumeRecord r, Session s, boolean readonly) throws IOException {
    finishGrow(r);
    int uid = Math.max(0, s.sandbox().hostUid());
    boolean chown;
    synchronized (this) {
      chown = !readonly && r.ownerUid != uid;
    }
    if (chown) {
      VolumeImages.chownOffline(image(r.id), store.dir(r.id).resolve("owner-mnt"), uid);
      synchronized (this) {
        r.ownerUid = uid;
        store.save(r);
      }
    }
  }

  /** Grows the file system to the image's size before a mount, after a grow while mounted. */
  private void finishGrow(VolumeRecord r) throws IOException {
    long size;
    synchronized (this) {
      if (!r.growPending) {
        return;
      }
      size = r.sizeBytes;
    }
    VolumeImages.resizeOffline(image(r.id), size, size);
    synchronized (this) {
      r.growPending = false;
      store.save(r);
    }
  }

  private void clearAttachment(VolumeRecord r) {
    r.sessionId = null;
    r.mountPath = null;
    r.attachmentId = null;
    r.attachState = "";
    r.updatedAt = clock.instant();
    store.save(r);
  }

  /** Mounts a session's attachments in its freshly started sandbox (create, resume, restart). */
  private void mountAll(Session s) {
    List<VolumeRecord> mine = new ArrayList<>();
    synchronized (this) {
      for (VolumeRecord r : volumes.values()) {
        if (s.id().equals(r.sessionId)) {
          mine.add(r);
        }
      }
    }
    mine.sort(Comparator.comparing(r -> r.mountPath));
    for (VolumeRecord r : mine) {
      String state;
      try {
        prepare(r, s, r.readonly);
        VolumeImages.mount(s.sandbox(), image(r.id), r.mountPath, r.readonly);
        state = "attached";
      } catch (IOException | RuntimeException e) {
        LOG.warn("volume {} could not be mounted in {}: {}", r.id, s.id(), e.getMessage());
        state = "failed";
      }
      synchronized (this) {
        r.attachState = state;
      }
    }
  }

  private synchronized void sessionTerminated(String sessionId) {
    for (VolumeRecord r : volumes.values()) {
      if (sessionId.equals(r.sessionId)) {
        clearAttachment(r);
      }
    }
  }

  /** Records the volumes of a create request; they are mounted when the sandbox starts. */
  public void attachOnCreate(
      String sessionId, List<cloud.tenki.proto.sandbox.v1.VolumeMount> mounts) {
    for (var m : mounts) {
      attach(sessionId, m.getVolumeId(), m.getMountPath(), m.getReadonly());
    }
  }

  // ---- helpers ------------------------------------------------------------------------------

  private void requireMountable(Session s) {
    if (s.sandbox().isolation().equals("none") || !VolumeImages.mountable()) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "this engine cannot mount volumes: it needs to run as root with loop devices and an"
                  + " isolating launcher")
          .asRuntimeException();
    }
  }

  private Session runningSession(String id) {
    try {
      Session s = sessions.get(id);
      return s.state() == SessionState.SESSION_STATE_RUNNING ? s : null;
    } catch (io.grpc.StatusRuntimeException e) {
      return null;
    }
  }

  private void checkSize(String field, long size) {
    if (size < MIN_BYTES || size > maxBytes) {
      throw invalid(
          field
              + " must be between "
              + MIN_BYTES
              + " and "
              + maxBytes
              + " bytes (got "
              + size
              + ")");
    }
  }

  private Path image(String id) {
    return store.dir(id).resolve("disk.img");
  }

  private VolumeRecord require(String id) {
    VolumeRecord r = id == null ? null : volumes.get(id);
    if (r == null) {
      throw Status.NOT_FOUND.withDescription("volume not found: " + id).asRuntimeException();
    }
    return r;
  }

  private byte[] bytes(int n) {
    byte[] b = new byte[n];
    random.nextBytes(b);
    return b;
  }

  private static io.grpc.StatusRuntimeException invalid(String msg) {
    return Status.INVALID_ARGUMENT.withDescription(msg).asRuntimeException();
  }

  private Volume view(VolumeRecord r) {
    return Volume.newBuilder()
        .setId(r.id)
        .setWorkspaceId(r.workspaceId)
        .setName(r.name)
        .setSizeBytes(r.sizeBytes)
        .setState(
            r.attached() ? VolumeState.VOLUME_STATE_IN_USE : VolumeState.VOLUME_STATE_AVAILABLE)
        .setCreatedAt(r.createdAt.toString())
        .setUpdatedAt(r.updatedAt.toString())
        .setProjectId(r.projectId)
        .addAllTags(r.tags)
        .build();
  }

  private static VolumeAttachment attachment(VolumeRecord r) {
    return VolumeAttachment.newBuilder()
        .setId(r.attachmentId)
        .setVolumeId(r.id)
        .setSessionId(r.sessionId)
        .setMountPath(r.mountPath)
        .setReadonly(r.readonly)
        .setState(r.attachState)
        .build();
  }

  static void deleteTree(Path p) {
    try {
      Rootfs.delete(p);
    } catch (IOException e) {
      LOG.warn("could not delete {}: {}", p.getFileName(), e.toString());
    }
  }
}
