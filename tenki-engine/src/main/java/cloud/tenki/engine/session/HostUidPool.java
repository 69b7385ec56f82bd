package cloud.tenki.engine.session;

import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.charset.StandardCharsets;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Leases unprivileged host uids ({@code base .. base+count-1}) to sandboxes so that no two live
 * engines on this machine, in one process or in many, hand out the same uid.
 *
 * <p>A lease on uid {@code u} is an exclusive lock on {@code <dir>/<u>.lock}, held through an open
 * file for as long as the lease lives. The kernel drops the lock when the holding process dies, so
 * a crashed engine holds no lease. Two more rules make a free lock not enough:
 *
 * <ul>
 *   <li>the lock file names the sandbox tree the uid was leased for; while that tree exists and
 *       still belongs to the uid (a stopped or crashed engine's paused sandbox), no other tree gets
 *       the uid, so files of one sandbox never belong to another sandbox's uid;
 *   <li>a uid that some live process (not a zombie) runs as, as its real, effective, saved or
 *       file-system uid, is skipped.
 * </ul>
 *
 * <p>Within one JVM a static set keeps a second engine from even opening a lock file this JVM
 * holds: record locks belong to the process, and closing any channel on the file would silently
 * drop the first engine's lock.
 *
 * <p>Thread-safe: every lease operation of the JVM is serialised on one monitor. The caller owns
 * the pool and closes it, which releases every lease it still holds.
 */
final class HostUidPool implements AutoCloseable {

  /** Where leases live unless configured: persistent, so tree ownership survives a reboot. */
  static final Path DEFAULT_DIR = Path.of("/var/lib/tenki-engine/uids");

  /** Used when the default cannot be created (a read-only {@code /var/lib}). */
  static final Path FALLBACK_DIR = Path.of("/run/tenki-engine/uids");

  private static final Object JVM_LOCK = new Object();
  private static final Set<Integer> HELD_IN_JVM = new HashSet<>();
  // channels that must never be closed: closing would drop a lock someone else in this JVM holds
  private static final List<FileChannel> PARKED = new ArrayList<>();
  private static final int MAX_MARKER = 4096;

  private final Path dir;
  private final int base;
  private final int count;
  private final Map<Integer, Lease> leases = new HashMap<>();
  private int cursor;

  private HostUidPool(Path dir, int base, int count) {
    this.dir = dir;
    this.base = base;
    this.count = count;
  }

  /**
   * Opens the pool over {@code dir} (or, when null, {@link #DEFAULT_DIR} falling back to {@link
   * #FALLBACK_DIR}); the directory is created owner-only and must belong to this process's user.
   */
  static HostUidPool open(Path dir, int base, int count) throws IOException {
    if (base < 0 || count < 1 || (long) base + count > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "sandbox uid range must lie within 0.." + (Integer.MAX_VALUE - 1));
    }
    if (dir != null) {
      return new HostUidPool(prepare(dir), base, count);
    }
    try {
      return new HostUidPool(prepare(DEFAULT_DIR), base, count);
    } catch (IOException e) {
      try {
        return new HostUidPool(prepare(FALLBACK_DIR), base, count);
      } catch (IOException f) {
        f.addSuppressed(e);
        throw new IOException(
            "no usable sandbox uid lease directory ("
                + DEFAULT_DIR
                + ": "
                + e.getMessage()
                + "; "
                + FALLBACK_DIR
                + ": "
                + f.getMessage()
                + ")",
            f);
      }
    }
  }

  private static Path prepare(Path dir) throws IOException {
    Path d = dir.toAbsolutePath().normalize();
    Files.createDirectories(
        d, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
    if (Files.isSymbolicLink(d) || !Files.isDirectory(d, LinkOption.NOFOLLOW_LINKS)) {
      throw new IOException("not a directory: " + d);
    }
    Map<String, Object> a = Files.readAttributes(d, "unix:uid,mode", LinkOption.NOFOLLOW_LINKS);
    int owner = (Integer) a.get("uid");
    int mode = (Integer) a.get("mode");
    if (owner != cloud.tenki.engine.sandbox.HostSystem.effectiveUid() || (mode & 0022) != 0) {
      // anyone else who can write here could fake or steal leases
      throw new IOException("must belong to the engine's user and be writable only by it: " + d);
    }
    return d;
  }

  /** The lease directory in use. */
  Path dir() {
    return dir;
  }

  /** First uid of the range. */
  int base() {
    return base;
  }

  /** How many uids the range holds. */
  int count() {
    return count;
  }

  /**
   * Leases a free uid for the sandbox tree {@code tree}, going round the range from where the last
   * lease of this pool stopped (so a just-released uid is the last to be handed out again).
   *
   * @throws IllegalStateException when every uid of the range is taken
   */
  Lease acquire(Path tree) throws IOException {
    synchronized (JVM_LOCK) {
      Set<Integer> running = processUids();
      for (int i = 0; i < count; i++) {
        int offset = (cursor + i) % count;
        Lease l = tryLease(base + offset, tree, running);
        if (l != null) {
          cursor = (offset + 1) % count;
          return l;
        }
      }
    }
    throw new IllegalStateException(
        "no free sandbox uid: all "
            + count
            + " host uids from "
            + base
            + " belong to sandboxes of engines on this machine");
  }

  /**
   * Leases exactly {@code uid} for {@code tree}, or returns null when it is out of range or taken.
   */
  Lease acquire(int uid, Path tree) throws IOException {
    if (uid < base || uid - base >= count) {
      return null;
    }
    synchronized (JVM_LOCK) {
      return tryLease(uid, tree, processUids());
    }
  }

  private Lease tryLease(int uid, Path tree, Set<Integer> running) throws IOException {
    if (HELD_IN_JVM.contains(uid) || running.contains(uid)) {
      return null;
    }
    FileChannel ch =
        FileChannel.open(
            dir.resolve(uid + ".lock"),
            Set.of(
                StandardOpenOption.READ,
                StandardOpenOption.WRITE,
                StandardOpenOption.CREATE,
                LinkOption.NOFOLLOW_LINKS),
            PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")));
    FileLock lock;
    try {
      lock = ch.tryLock();
    } catch (OverlappingFileLockException e) {
      // another copy of this class (another class loader) holds it in this JVM
      PARKED.add(ch);
      return null;
    } catch (IOException | RuntimeException e) {
      ch.close();
      throw e;
    }
    if (lock == null) {
      ch.close();
      return null;
    }
    try {
      Path normalized = tree.toAbsolutePath().normalize();
      if (ownedByAnotherTree(uid, readMarker(ch), normalized)) {
        lock.release();
        ch.close();
        return null;
      }
      byte[] marker = normalized.toString().getBytes(StandardCharsets.UTF_8);
      ch.truncate(0);
      ch.write(ByteBuffer.wrap(marker), 0);
    } catch (IOException | RuntimeException e) {
      lock.release();
      ch.close();
      throw e;
    }
    HELD_IN_JVM.add(uid);
    Lease l = new Lease(uid, ch, lock);
    leases.put(uid, l);
    return l;
  }

  private static String readMarker(FileChannel ch) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(MAX_MARKER);
    while (buf.hasRemaining() && ch.read(buf, buf.position()) > 0) {
      // keep reading until the end or the cap
    }
    return new String(buf.array(), 0, buf.position(), StandardCharsets.UTF_8);
  }

  /**
   * Whether the tree last leased {@code uid} still exists, belongs to it and is not {@code tree}.
   */
  static boolean ownedByAnotherTree(int uid, String marker, Path tree) {
    if (marker.isEmpty()) {
      return false;
    }
    Path previous;
    try {
      previous = Path.of(marker);
    } catch (InvalidPathException e) {
      return false;
    }
    if (previous.equals(tree)) {
      return false;
    }
    try {
      Object owner = Files.getAttribute(previous, "unix:uid", LinkOption.NOFOLLOW_LINKS);
      if ((Integer) owner != uid) {
        return false;
      }
      return !(Files.exists(tree, LinkOption.NOFOLLOW_LINKS) && Files.isSameFile(previous, tree));
    } catch (NoSuchFileException e) {
      return false;
    } catch (IOException e) {
      // cannot tell: keep the uid with the tree it may still own
      return true;
    }
  }

  /**
   * Every uid in this pool's range that a live process runs as. Reads only the head of each {@code
   * /proc/<pid>/status} (about 20 microseconds a process).
   */
  private Set<Integer> processUids() {
    Set<Integer> uids = new HashSet<>();
    byte[] buf = new byte[1024];
    try (DirectoryStream<Path> procs = Files.newDirectoryStream(Path.of("/proc"), "[0-9]*")) {
      for (Path p : procs) {
        addUids(p.resolve("status"), buf, uids);
      }
    } catch (IOException e) {
      // without /proc the lock files alone decide
    }
    return uids;
  }

  private void addUids(Path status, byte[] buf, Set<Integer> into) {
    String head;
    try (InputStream in = Files.newInputStream(status)) {
      head = new String(buf, 0, in.readNBytes(buf, 0, buf.length), StandardCharsets.ISO_8859_1);
    } catch (IOException e) {
      return; // the process exited while we looked
    }
    int uidLine = head.indexOf("\nUid:");
    int end = uidLine < 0 ? -1 : head.indexOf('\n', uidLine + 1);
    if (end < 0 || head.contains("\nState:\tZ")) {
      // a zombie runs no code and holds nothing but its slot until its parent reaps it
      return;
    }
    for (String field : head.substring(uidLine + 5, end).trim().split("\\s+")) {
      long uid = parseOrMinusOne(field);
      if (uid >= base && uid - base < count) {
        into.add((int) uid);
      }
    }
  }

  private static long parseOrMinusOne(String s) {
    try {
      return Long.parseLong(s);
    } catch (NumberFormatException e) {
      return -1;
    }
  }

  /** Releases every lease this pool still holds. */
  @Override
  public void close() {
    synchronized (JVM_LOCK) {
      for (Lease l : List.copyOf(leases.values())) {
        l.close();
      }
    }
  }

  /** One leased uid; closing it (once the uid's sandbox is gone) frees it for every engine. */
  final class Lease implements AutoCloseable {
    private final int uid;
    private final FileChannel channel;
    private final FileLock lock;
    private boolean released;

    private Lease(int uid, FileChannel channel, FileLock lock) {
      this.uid = uid;
      this.channel = channel;
      this.lock = lock;
    }

    /** The leased host uid. */
    int uid() {
      return uid;
    }

    /** Releases the uid; the lock file keeps naming the tree, which guards it while it exists. */
    @Override
    public void close() {
      synchronized (JVM_LOCK) {
        if (released) {
          return;
        }
        released = true;
        try (FileChannel c = channel) {
          lock.release();
        } catch (IOException e) {
          // closing the channel drops the lock in every case
        }
        HELD_IN_JVM.remove(uid);
        leases.remove(uid);
      }
    }
  }
}
