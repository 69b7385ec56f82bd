package cloud.tenki.engine.session;

import io.grpc.Status;
import java.io.IOException;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The host uids of one engine's sandboxes: a machine-wide lease per session that is not terminated
 * (see {@link HostUidPool}), taken when the session is created or recovered and released when it
 * terminates or the engine closes. Without a uid range (an unprivileged engine) every method is a
 * no-op answering -1.
 *
 * <p>Thread-safe. The engine owns this object and closes it after its sandboxes have stopped.
 */
final class SandboxUids implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxUids.class);

  private final HostUidPool pool;
  private final Map<String, HostUidPool.Lease> leases = new ConcurrentHashMap<>();

  SandboxUids(EngineSettings settings) throws IOException {
    this.pool =
        settings.hostUidBase() < 0
            ? null
            : HostUidPool.open(
                settings.uidLeaseDir(), settings.hostUidBase(), settings.hostUidCount());
  }

  /**
   * Leases a fresh uid for a new session whose tree will be {@code tree}; -1 without a range. Fails
   * with RESOURCE_EXHAUSTED when every uid of the range is taken.
   */
  int lease(String sessionId, Path tree) {
    if (pool == null) {
      return -1;
    }
    try {
      return keep(sessionId, pool.acquire(tree));
    } catch (IllegalStateException e) {
      throw Status.RESOURCE_EXHAUSTED.withDescription(e.getMessage()).asRuntimeException();
    } catch (IOException e) {
      LOG.warn("could not lease a sandbox uid: {}", e.toString());
      throw Status.UNAVAILABLE
          .withDescription("could not lease a sandbox uid (details in the engine's log)")
          .asRuntimeException();
    }
  }

  /**
   * Takes the uid a recovered session recorded back; when another live engine holds it (or it lies
   * outside the range), leases a fresh one and hands the tree's files over to it. Returns the uid
   * the session runs as from now on.
   */
  int recover(String sessionId, int recorded, Path tree) throws IOException {
    if (pool == null || recorded < 0) {
      return recorded;
    }
    HostUidPool.Lease same = pool.acquire(recorded, tree);
    if (same != null) {
      return keep(sessionId, same);
    }
    HostUidPool.Lease fresh;
    try {
      fresh = pool.acquire(tree);
    } catch (IllegalStateException e) {
      throw new IOException("cannot recover session " + sessionId + ": " + e.getMessage(), e);
    }
    try {
      reown(tree, recorded, fresh.uid());
    } catch (IOException | RuntimeException e) {
      fresh.close();
      throw e;
    }
    LOG.info(
        "session {}: host uid {} is in use elsewhere, its files now belong to uid {}",
        sessionId,
        recorded,
        fresh.uid());
    return keep(sessionId, fresh);
  }

  private int keep(String sessionId, HostUidPool.Lease lease) {
    HostUidPool.Lease old = leases.put(sessionId, lease);
    if (old != null) {
      old.close();
    }
    return lease.uid();
  }

  /** Frees the session's uid; call once its processes are gone (and its files, if terminated). */
  void release(String sessionId) {
    HostUidPool.Lease l = leases.remove(sessionId);
    if (l != null) {
      l.close();
    }
  }

  /**
   * Gives every entry of {@code root} owned by uid (or gid) {@code from} to {@code to}, never
   * following a symlink; entries of anyone else (a hard link to a foreign file included) are left
   * alone. The root goes first, so the old uid loses its way in before the walk goes on.
   */
  static void reown(Path root, int from, int to) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            reownOne(dir, from, to);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            reownOne(file, from, to);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  private static void reownOne(Path p, int from, int to) throws IOException {
    Map<String, Object> ids = Files.readAttributes(p, "unix:uid,gid", LinkOption.NOFOLLOW_LINKS);
    if ((Integer) ids.get("uid") == from) {
      Files.setAttribute(p, "unix:uid", to, LinkOption.NOFOLLOW_LINKS);
    }
    if ((Integer) ids.get("gid") == from) {
      Files.setAttribute(p, "unix:gid", to, LinkOption.NOFOLLOW_LINKS);
    }
  }

  /** Releases every lease (the engine's sandboxes have stopped). */
  @Override
  public void close() {
    leases.clear();
    if (pool != null) {
      pool.close();
    }
  }
}
