package cloud.tenki.engine.sandbox;

import java.io.FileInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * A started launch chain whose stdout and stderr the engine reads through pipe ends of its own.
 *
 * <p>The JDK closes its ends of a process's output pipes as soon as that process exits, keeping
 * only what was buffered then. A sandboxed command's process is not the only writer, though:
 * whatever it left running ({@code server &}) inherited the same pipes. Once the JDK's ends are
 * closed, that process's next write fails with EPIPE, and most programs die of the SIGPIPE. So
 * before the command starts, while the launch chain waits (a parked prepared shell, or the launch
 * wrapper in its handshake), the engine opens the pipes a second time through {@code
 * /proc/<pid>/fd/1} and {@code /proc/<pid>/fd/2}, which gives readers of its own that stay open
 * until the engine closes them, and closes the JDK's. End of file then means what it says: every
 * writer is gone.
 *
 * <p>When the pipes cannot be opened that way (the chain failed), the JDK's ends are kept.
 * Everything but the two output streams is the started process's. Only users' commands get this
 * ({@link Sandbox#exec(java.util.List, String, java.util.Map, Sandbox.DirectoryCheck, boolean)});
 * the engine's own helpers leave nothing running.
 */
final class OwnPipes extends Process {

  private final Process process;
  private final InputStream stdout;
  private final InputStream stderr;

  private OwnPipes(Process process, InputStream stdout, InputStream stderr) {
    this.process = process;
    this.stdout = stdout;
    this.stderr = stderr;
  }

  /**
   * Starts {@code pb}, a launch chain from {@link LaunchWrapper#wrapWithHandshake}, {@linkplain
   * #adopt adopts} it while the wrapper waits, and lets it go on.
   */
  static Process start(ProcessBuilder pb, int owner) throws IOException {
    Process p = pb.start();
    // the wrapper has joined the cgroups and waits: its descriptors 0 to 2 are the pipes for good
    if (p.getInputStream().read() != LaunchWrapper.READY) {
      return p; // it failed (and says why on stderr) or was killed: the consumer sees that
    }
    Process adopted = adopt(p, owner);
    try {
      OutputStream go = p.getOutputStream();
      go.write('\n');
      go.flush();
    } catch (IOException e) {
      // it died while waiting: the consumer sees its end
    }
    return adopted;
  }

  /**
   * Takes over the output pipes of {@code p}, a launch chain whose descriptors 0 to 2 are its pipes
   * for good (its wrapper waits in the handshake, or has exec'd), with nothing in the JDK's
   * buffers; returns {@code p} itself when they cannot be opened. With {@code owner} at 0 or more
   * (a root engine's sandbox uid), also hands the three pipes to that host uid, so the sandbox's
   * user can open them again as {@code /dev/stdin}, {@code /dev/stdout} and {@code /dev/stderr}: a
   * pipe the engine made belongs to root, with mode 0600.
   */
  static Process adopt(Process p, int owner) {
    String prefix = "/proc/" + p.pid() + "/fd/";
    // nothing points these descriptors elsewhere any more; each is checked to be a pipe anyway,
    // so that no file ever changes owner
    boolean[] pipe = new boolean[3];
    for (int fd = 0; fd <= 2; fd++) {
      try {
        pipe[fd] = Files.readSymbolicLink(Path.of(prefix + fd)).toString().startsWith("pipe:");
      } catch (IOException | RuntimeException e) {
        return p; // it ended: nothing can outlive it on its pipes
      }
    }
    if (!pipe[1] || !pipe[2]) {
      return p;
    }
    FileInputStream out = null;
    FileInputStream err;
    try {
      out = new FileInputStream(prefix + 1);
      err = new FileInputStream(prefix + 2);
    } catch (IOException e) {
      closeQuietly(out);
      return p;
    }
    if (!p.isAlive()) {
      // it ended during the opens, and its pid may be another process's now
      closeQuietly(out);
      closeQuietly(err);
      return p;
    }
    if (owner >= 0) {
      for (int fd = 0; fd <= 2; fd++) {
        if (pipe[fd]) {
          try {
            Files.setAttribute(Path.of(prefix + fd), "unix:uid", owner);
          } catch (IOException | RuntimeException e) {
            // it ended: nobody is left to open the pipe again
          }
        }
      }
    }
    closeQuietly(p.getInputStream());
    closeQuietly(p.getErrorStream());
    return new OwnPipes(p, new PipeStream(out), new PipeStream(err));
  }

  private static void closeQuietly(InputStream in) {
    if (in != null) {
      try {
        in.close();
      } catch (IOException e) {
        // nothing to release
      }
    }
  }

  /**
   * A pipe's reader without the file-only shortcuts of {@link FileInputStream}: its {@code
   * readAllBytes} and {@code skip} seek, which a pipe refuses ("Illegal seek").
   */
  private static final class PipeStream extends java.io.FilterInputStream {
    PipeStream(FileInputStream in) {
      super(in);
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return in.read(b, off, len);
    }

    @Override
    public long skip(long n) throws IOException {
      byte[] buf = new byte[(int) Math.min(Math.max(n, 0), 8192)];
      long left = n;
      while (left > 0) {
        int r = in.read(buf, 0, (int) Math.min(left, buf.length));
        if (r < 0) {
          break;
        }
        left -= r;
      }
      return n - left;
    }
  }

  @Override
  public InputStream getInputStream() {
    return stdout;
  }

  @Override
  public InputStream getErrorStream() {
    return stderr;
  }

  @Override
  public OutputStream getOutputStream() {
    return process.getOutputStream();
  }

  @Override
  public int waitFor() throws InterruptedException {
    return process.waitFor();
  }

  @Override
  public boolean waitFor(long timeout, TimeUnit unit) throws InterruptedException {
    return process.waitFor(timeout, unit);
  }

  @Override
  public int exitValue() {
    return process.exitValue();
  }

  @Override
  public void destroy() {
    process.destroy();
  }

  @Override
  public Process destroyForcibly() {
    process.destroyForcibly();
    return this;
  }

  @Override
  public boolean supportsNormalTermination() {
    return process.supportsNormalTermination();
  }

  @Override
  public boolean isAlive() {
    return process.isAlive();
  }

  @Override
  public long pid() {
    return process.pid();
  }

  @Override
  public CompletableFuture<Process> onExit() {
    return process.onExit().thenApply(p -> this);
  }

  @Override
  public ProcessHandle toHandle() {
    return process.toHandle();
  }

  @Override
  public ProcessHandle.Info info() {
    return process.info();
  }

  @Override
  public Stream<ProcessHandle> children() {
    return process.children();
  }

  @Override
  public Stream<ProcessHandle> descendants() {
    return process.descendants();
  }

  @Override
  public String toString() {
    return process.toString();
  }
}
