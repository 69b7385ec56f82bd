package cloud.tenki.engine.session;

import cloud.tenki.engine.sandbox.DiskUsage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The disk quota of a sandbox: a periodic measurement of its tree against {@code disk_size_gb}. A
 * single file can never outgrow the quota (the file-size rlimit is set to it); when the tree as a
 * whole does, every process of the sandbox is killed (its files stay, so the user can delete some)
 * and writes through the engine are refused until usage is back under the quota.
 */
final class DiskQuota {

  private static final Logger LOG = LoggerFactory.getLogger(DiskQuota.class);

  private DiskQuota() {}

  static void check(Session s) {
    long quota = s.record.diskSizeGb * 1024L * 1024L * 1024L;
    long used = DiskUsage.allocatedBytes(s.sandbox.rootfs());
    boolean over = used > quota;
    boolean was = s.overDiskQuota();
    s.overDiskQuota(over);
    if (over && !was) {
      LOG.warn(
          "session {} is over its disk quota ({} > {} bytes); killing its processes",
          s.id(),
          used,
          quota);
      synchronized (s) {
        if (s.sandbox.running()) {
          try {
            s.sandbox.restart();
          } catch (java.io.IOException e) {
            LOG.warn("could not restart sandbox {}: {}", s.id(), e.toString());
          }
        }
      }
    }
  }
}
