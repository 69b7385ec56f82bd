package cloud.tenki.engine;

import cloud.tenki.engine.sandbox.BwrapLauncher;
import cloud.tenki.engine.sandbox.Cgroups;
import cloud.tenki.engine.sandbox.HostSystem;
import cloud.tenki.engine.sandbox.Launcher;
import cloud.tenki.engine.sandbox.NoIsolationLauncher;
import cloud.tenki.engine.sandbox.UnshareLauncher;
import cloud.tenki.engine.session.EngineSettings;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/** Turns builder options into checked engine settings. */
final class SettingsResolver {

  private static final Logger LOG = LoggerFactory.getLogger(SettingsResolver.class);

  private SettingsResolver() {}

  static void checkListen(String host, String token) throws IOException {
    if (host == null || token != null) {
      return;
    }
    InetAddress a = InetAddress.getByName(host);
    if (!a.isLoopbackAddress()) {
      throw new IllegalStateException(
          "refusing to listen on "
              + host
              + " without a token: set --token (or TENKI_ENGINE_TOKEN), or listen on 127.0.0.1");
    }
  }

  /** How old an unused sandbox cgroup must be before a starting engine removes it. */
  static final java.time.Duration ABANDONED_GROUP_AGE = java.time.Duration.ofMinutes(1);

  static EngineSettings resolve(LocalEngine.Builder b, Path dir) {
    Launcher launcher = launcher(b.isolation);
    Cgroups cgroups = Cgroups.detect(!b.useCgroups);
    int abandoned = cgroups.removeAbandoned(ABANDONED_GROUP_AGE);
    if (abandoned > 0) {
      LOG.info("removed {} cgroups left behind by engines that did not stop", abandoned);
    }
    if (b.sandboxUidBase >= 0 && (long) b.sandboxUidBase + b.sandboxUidCount > Integer.MAX_VALUE) {
      throw new IllegalArgumentException(
          "sandboxUidBase + sandboxUidCount must not exceed " + Integer.MAX_VALUE);
    }
    int uidBase = -1;
    if (HostSystem.isRoot()
        && b.sandboxUidBase >= 0
        && !(launcher instanceof NoIsolationLauncher)) {
      if (ancestorsTraversable(dir.toAbsolutePath())) {
        uidBase = b.sandboxUidBase;
      } else {
        LOG.warn(
            "state directory {} has a parent that other users cannot traverse; sandbox users will"
                + " map to root's uid (choose a state directory under a world-traversable parent"
                + " to avoid this)",
            dir);
      }
    }
    return new EngineSettings(
        dir.toAbsolutePath(),
        launcher,
        cgroups,
        b.clock,
        b.credentialTtl,
        b.defaultMaxDuration,
        b.maxMaxDuration,
        b.defaultPauseRetention,
        b.defaultCpuCores,
        b.defaultMemoryMb,
        b.defaultDiskGb,
        b.maxCpuCores,
        b.maxMemoryMb,
        b.maxDiskGb,
        b.maxProcesses,
        uidBase,
        b.sandboxUidCount,
        b.uidLeaseDir,
        b.lifetimeCheckInterval,
        b.diskCheckInterval,
        b.outbound,
        b.maxRunningSessions);
  }

  static Launcher launcher(Isolation isolation) {
    switch (isolation) {
      case BWRAP -> {
        if (!BwrapLauncher.available()) {
          throw new IllegalStateException(
              "isolation bwrap requested but bubblewrap is not installed (apt-get install"
                  + " bubblewrap), or use --isolation unshare");
        }
        if (!BwrapLauncher.usable()) {
          throw new IllegalStateException(
              "isolation bwrap needs an engine running as root (unprivileged bubblewrap nests a"
                  + " user namespace that commands cannot join); use --isolation unshare");
        }
        return new BwrapLauncher();
      }
      case UNSHARE -> {
        if (!UnshareLauncher.available()) {
          throw new IllegalStateException(
              "isolation unshare requested but util-linux unshare/nsenter/setpriv are missing");
        }
        return new UnshareLauncher();
      }
      case NONE -> {
        return new NoIsolationLauncher();
      }
      default -> {
        if (BwrapLauncher.usable()) {
          return new BwrapLauncher();
        }
        if (UnshareLauncher.available()) {
          return new UnshareLauncher();
        }
        throw new IllegalStateException(
            "no sandbox launcher found: install bubblewrap or util-linux, or start with"
                + " --isolation none to run WITHOUT isolation");
      }
    }
  }

  /**
   * Whether every ancestor of {@code dir} lets other users through (needed for per-sandbox uids).
   */
  private static boolean ancestorsTraversable(Path dir) {
    for (Path p = dir.getParent(); p != null; p = p.getParent()) {
      try {
        if (!Files.getPosixFilePermissions(p).contains(PosixFilePermission.OTHERS_EXECUTE)) {
          return false;
        }
      } catch (IOException | UnsupportedOperationException e) {
        return false;
      }
    }
    return true;
  }
}
