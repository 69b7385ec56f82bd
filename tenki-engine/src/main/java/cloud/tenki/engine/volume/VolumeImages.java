package cloud.tenki.engine.volume;

import cloud.tenki.engine.sandbox.HostSystem;
import cloud.tenki.engine.sandbox.Sandbox;
import cloud.tenki.engine.sandbox.SandboxInit;
import io.grpc.Status;
import java.io.IOException;
import java.io.RandomAccessFile;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * Volume storage as ext4 file-system images: a sparse file of exactly the volume's size, so the
 * kernel enforces the size (writes beyond it fail with "No space left on device"). Mounting
 * attaches the image to a loop device on the host and mounts that device directly inside the
 * sandbox's own mount namespace, so nothing of it appears in the host's mount table and it goes
 * away with the sandbox; the loop device is set to detach itself when the mount goes. Needs root
 * (loop devices, mount).
 *
 * <p>Privileged steps never run a program, library or loader found inside the sandbox: nsenter
 * joins only the sandbox's mount namespace and keeps the host's root directory ({@code --root=/}),
 * so {@code mount}/{@code umount} and their libraries come from the host, while the working
 * directory is the sandbox's root and the mount point is given relative to it. An absolute symlink
 * planted on the way then points into the host's tree, where the kernel refuses to mount because it
 * is not in the sandbox's namespace; relative ones stay inside the sandbox.
 *
 * <p>Stateless; every call is a short host command with a timeout.
 */
final class VolumeImages {

  private VolumeImages() {}

  /** Whether this engine can mount images (root, with loop devices and the tools). */
  static boolean mountable() {
    return HostSystem.isRoot()
        && HostSystem.which("losetup").isPresent()
        && HostSystem.which("mkfs.ext4").isPresent()
        && java.nio.file.Files.exists(Path.of("/dev/loop-control"));
  }

  /** Creates a sparse image of {@code size} bytes with an empty ext4 file system. */
  static void create(Path image, long size) throws IOException {
    try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
      f.setLength(size);
    }
    run(
        List.of(
            HostSystem.require("mkfs.ext4", "e2fsprogs"),
            "-F",
            "-q",
            "-m",
            "0",
            "-E",
            "lazy_itable_init=1,lazy_journal_init=1",
            image.toString()),
        "cannot create the volume's file system");
  }

  /** Grows or shrinks an image that is not mounted anywhere. */
  static void resizeOffline(Path image, long size, long oldSize) throws IOException {
    String resize = HostSystem.require("resize2fs", "e2fsprogs");
    String fsck = HostSystem.require("e2fsck", "e2fsprogs");
    if (size > oldSize) {
      try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
        f.setLength(size);
      }
    }
    // resize2fs insists on a fresh check; e2fsck exits 1 when it fixed something, which is fine
    runAllowing(List.of(fsck, "-f", "-p", image.toString()), 1, "volume check failed");
    String r = tryRun(List.of(resize, image.toString(), (size / 1024) + "K"));
    if (r != null) {
      if (size < oldSize) {
        throw Status.FAILED_PRECONDITION
            .withDescription("new_size_bytes is too small for the data on the volume")
            .asRuntimeException();
      }
      throw new IOException("resize2fs failed: " + r);
    }
    if (size < oldSize) {
      try (RandomAccessFile f = new RandomAccessFile(image.toFile(), "rw")) {
        f.setLength(size);
      }
    }
  }

  /**
   * Mounts an image at {@code mountPath} inside a running sandbox. The mount point is created as
   * the sandbox user first (so the kernel resolves it inside the sandbox, with its rights).
   */
  static void mount(Sandbox sandbox, Path image, String mountPath, boolean readonly)
      throws IOException {
    long pid = initPid(sandbox);
    mkdirInside(sandbox, mountPath);
    String losetup = HostSystem.require("losetup", "util-linux");
    List<String> attach = new ArrayList<>(List.of(losetup, "--find", "--show"));
    if (readonly) {
      attach.add("--read-only");
    }
    attach.add(image.toString());
    String dev = HostSystem.runForOutput(attach).trim();
    if (!dev.startsWith("/dev/loop")) {
      throw new IOException("no loop device for the volume: " + dev);
    }
    try {
      List<String> argv = inSandboxMountNamespace(pid);
      argv.addAll(
          List.of(
              HostSystem.require("mount", "util-linux"),
              "-n",
              "--no-canonicalize",
              "-t",
              "ext4",
              "-o",
              (readonly ? "ro" : "rw") + ",nosuid,nodev",
              dev,
              relative(mountPath)));
      run(argv, "cannot mount the volume in the sandbox");
    } finally {
      // detaches now if the mount failed, or when the mount goes away (autoclear)
      HostSystem.runQuietly(List.of(losetup, "-d", dev));
    }
  }

  /** Unmounts inside a running sandbox; {@code lazy} detaches even while files are open. */
  static boolean unmount(Sandbox sandbox, String mountPath, boolean lazy) throws IOException {
    SandboxInit init = sandbox.init();
    if (init == null || init.targetPid() <= 0) {
      return true;
    }
    List<String> argv = inSandboxMountNamespace(init.targetPid());
    argv.add(HostSystem.require("umount", "util-linux"));
    argv.add("-n");
    argv.add("--no-canonicalize");
    if (lazy) {
      argv.add("-l");
    }
    argv.add(relative(mountPath));
    return tryRun(argv) == null;
  }

  /**
   * Hands every file of a volume that is mounted nowhere to host uid {@code uid}: the image is
   * mounted in a private mount namespace on the host (noexec, nosuid, nodev) and {@code chown -R
   * -h} walks it without following any symlink. No sandbox can change the tree meanwhile.
   */
  static void chownOffline(Path image, Path scratch, int uid) throws IOException {
    java.nio.file.Files.createDirectories(scratch);
    run(
        List.of(
            HostSystem.require("unshare", "util-linux"),
            "--mount",
            "--propagation",
            "private",
            "--",
            "/bin/sh",
            "-c",
            "mount -n -t ext4 -o nosuid,nodev,noexec \"$1\" \"$2\" || exit 1\n"
                + "chown -R -h -- \"$3:$3\" \"$2\"; r=$?\n"
                + "umount -n \"$2\"\n"
                + "exit $r\n",
            "tenki-volume-owner",
            image.toString(),
            scratch.toString(),
            Integer.toString(uid)),
        "cannot hand the volume to the sandbox user");
  }

  /** nsenter into the sandbox's mount namespace only, keeping the host's root; cwd: its root. */
  private static List<String> inSandboxMountNamespace(long pid) {
    return new ArrayList<>(
        List.of(
            HostSystem.require("nsenter", "util-linux"),
            "--target=" + pid,
            "--mount",
            "--root=/",
            "--wd=/proc/" + pid + "/root",
            "--"));
  }

  private static String relative(String mountPath) {
    return mountPath.substring(1);
  }

  private static long initPid(Sandbox sandbox) throws IOException {
    SandboxInit init = sandbox.init();
    if (init == null || init.targetPid() <= 0) {
      throw new IOException("sandbox is not running");
    }
    return init.targetPid();
  }

  private static void mkdirInside(Sandbox sandbox, String path) throws IOException {
    Process p =
        sandbox.exec(
            new ArrayList<>(List.of("mkdir", "-p", "--", path)), "/", Map.of("LC_ALL", "C"));
    p.getOutputStream().close();
    byte[] err = p.getErrorStream().readNBytes(4096);
    try {
      if (!p.waitFor(30, TimeUnit.SECONDS) || p.exitValue() != 0) {
        p.destroyForcibly();
        throw Status.FAILED_PRECONDITION
            .withDescription(
                "mount_path cannot be created in the sandbox: "
                    + reason(new String(err, StandardCharsets.UTF_8)))
            .asRuntimeException();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted");
    }
  }

  private static String reason(String stderr) {
    if (stderr.contains("Read-only")) {
      return "read-only file system";
    }
    if (stderr.contains("Permission denied")) {
      return "permission denied";
    }
    if (stderr.contains("Not a directory") || stderr.contains("File exists")) {
      return "a file is in the way";
    }
    return "mkdir failed";
  }

  private static void run(List<String> argv, String what) throws IOException {
    String err = tryRun(argv);
    if (err != null) {
      throw new IOException(what + ": " + err.trim());
    }
  }

  private static void runAllowing(List<String> argv, int okExit, String what) throws IOException {
    Result r = exec(argv);
    if (r.code != 0 && r.code != okExit) {
      throw new IOException(what + ": " + r.out.trim());
    }
  }

  /** Runs a host command; null on success, else its output. */
  private static String tryRun(List<String> argv) throws IOException {
    Result r = exec(argv);
    return r.code == 0 ? null : r.out;
  }

  private record Result(int code, String out) {}

  private static Result exec(List<String> argv) throws IOException {
    Process p = new ProcessBuilder(argv).redirectErrorStream(true).start();
    p.getOutputStream().close();
    byte[] out = p.getInputStream().readNBytes(64 * 1024);
    try {
      if (!p.waitFor(120, TimeUnit.SECONDS)) {
        p.destroyForcibly();
        return new Result(-1, "timed out");
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      p.destroyForcibly();
      throw new IOException("interrupted");
    }
    return new Result(p.exitValue(), new String(out, StandardCharsets.UTF_8));
  }
}
