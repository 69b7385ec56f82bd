package cloud.tenki.sandbox.fake;

import cloud.tenki.proto.sandbox.v1.PortExposure;
import cloud.tenki.proto.sandbox.v1.SandboxSession;
import cloud.tenki.proto.sandbox.v1.SessionState;
import io.grpc.Status;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/** One fake sandbox: its description and a host directory standing in for /home/tenki. */
public final class FakeSession {
  static final String HOME = "/home/tenki";

  final String id;
  final Path home;
  final Map<String, String> env;
  volatile SandboxSession proto;
  final Map<Integer, PortExposure> ports = new ConcurrentHashMap<>();
  final List<String> authorizedKeys = new CopyOnWriteArrayList<>();
  final List<FakeRun> runs = new CopyOnWriteArrayList<>();

  FakeSession(String id, Path home, Map<String, String> env, SandboxSession proto) {
    this.id = id;
    this.home = home;
    this.env = Map.copyOf(env);
    this.proto = proto;
  }

  public String id() {
    return id;
  }

  /** The host directory that plays the sandbox's home. */
  public Path home() {
    return home;
  }

  public SandboxSession proto() {
    return proto;
  }

  public List<String> authorizedKeys() {
    return List.copyOf(authorizedKeys);
  }

  synchronized void update(java.util.function.UnaryOperator<SandboxSession.Builder> f) {
    proto = f.apply(proto.toBuilder()).build();
  }

  SessionState state() {
    return proto.getState();
  }

  /**
   * Maps a sandbox path to the host, refusing anything (including through symlinks) that leaves the
   * home directory.
   */
  Path hostPath(String path) {
    return hostPath(path, true);
  }

  /**
   * Maps a sandbox path to the host as {@link #hostPath(String)} does, but lets its last component
   * be a symlink that leads anywhere: for requests that look at the link itself ({@code Stat}).
   */
  Path hostPathOfLink(String path) {
    return hostPath(path, false);
  }

  private Path hostPath(String path, boolean followLast) {
    String rel;
    if (path.equals(HOME)) {
      rel = "";
    } else if (path.startsWith(HOME + "/")) {
      rel = path.substring(HOME.length() + 1);
    } else if (path.startsWith("/")) {
      throw Status.PERMISSION_DENIED
          .withDescription("path " + path + " is outside " + HOME)
          .asRuntimeException();
    } else {
      rel = path;
    }
    Path p = home.resolve(rel).normalize();
    if (!p.startsWith(home)) {
      throw Status.PERMISSION_DENIED
          .withDescription("path " + path + " escapes " + HOME)
          .asRuntimeException();
    }
    checkNoSymlinkEscape(followLast || p.equals(home) ? p : p.getParent(), path);
    return p;
  }

  private void checkNoSymlinkEscape(Path p, String shown) {
    try {
      Path realHome = home.toRealPath();
      Path existing = p;
      while (existing != null && !Files.exists(existing, LinkOption.NOFOLLOW_LINKS)) {
        existing = existing.getParent();
      }
      if (existing != null
          && Files.exists(existing)
          && !existing.toRealPath().startsWith(realHome)) {
        throw Status.PERMISSION_DENIED
            .withDescription("path " + shown + " leaves " + HOME + " through a symlink")
            .asRuntimeException();
      }
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription(e.toString()).asRuntimeException();
    }
  }

  /** The sandbox path of a host path inside home. */
  String sandboxPath(Path host) {
    Path rel = home.relativize(host);
    return rel.toString().isEmpty() ? HOME : HOME + "/" + rel;
  }
}
