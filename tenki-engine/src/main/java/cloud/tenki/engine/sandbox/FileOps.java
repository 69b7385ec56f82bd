package cloud.tenki.engine.sandbox;

import cloud.tenki.proto.sandbox.v1.ListEntry;
import cloud.tenki.proto.sandbox.v1.StatResponse;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * File operations performed from inside a sandbox, by small coreutils/findutils programs running as
 * the sandbox user in the sandbox's mount namespace.
 *
 * <p>The engine never opens a sandbox path itself: every path, {@code ..}, symlink or hard link is
 * resolved by the kernel against the sandbox's own root, with the sandbox user's permissions, so no
 * name planted in a sandbox (nor a directory swapped for a symlink mid-operation) can make the
 * engine read or write outside it. Thread-safe; each call is one short process.
 */
public final class FileOps {

  /** Where relative paths resolve and what an empty path means. */
  public static final String HOME = "/home/tenki";

  private static final long OP_TIMEOUT_SECONDS = 120;
  private static final Map<String, String> ENV = Map.of("LC_ALL", "C");

  private static final String STAT =
      "exec find \"$1\" -maxdepth 0 -printf '%y\\t%s\\t%m\\t%T@\\t%l'";
  private static final String LIST =
      "exec find \"$1/\" -mindepth 1 -maxdepth 1 -printf '%y\\t%s\\t%m\\t%T@\\t%f\\0'";
  private static final String READ = "exec head -c \"$2\" -- \"$1\"";
  private static final String SIZE = "exec stat -L -c %s -- \"$1\"";
  private static final String READ_STREAM =
      "s=$(stat -L -c %s -- \"$1\") || exit 1\n"
          + "[ ! -d \"$1\" ] || { echo \"$1: Is a directory\" >&2; exit 1; }\n"
          + "echo \"$s\"\n"
          + "if [ -n \"$3\" ]; then\n"
          + "  exec dd if=\"$1\" bs=65536 iflag=skip_bytes,count_bytes skip=\"$2\" count=\"$3\""
          + " status=none\n"
          + "fi\n"
          + "exec dd if=\"$1\" bs=65536 iflag=skip_bytes skip=\"$2\" status=none\n";
  private static final String WRITE =
      "p=$1\n"
          + "mkdir -p -- \"$(dirname -- \"$p\")\" || exit 1\n"
          + "if [ \"$3\" = 1 ]; then cat > \"$p\" || exit 1; else cat >> \"$p\" || exit 1; fi\n"
          + "[ -z \"$2\" ] || chmod -- \"$2\" \"$p\" || exit 1\n"
          + "[ \"$4\" != 1 ] || sync -- \"$p\" || exit 1\n";
  private static final String MKDIR =
      "if [ \"$3\" = 1 ]; then mkdir -p -m \"$2\" -- \"$1\" || exit 1;"
          + " else mkdir -m \"$2\" -- \"$1\" || exit 1; fi\n"
          + "exec find \"$1\" -maxdepth 0 -printf '%T@'\n";
  private static final String REMOVE =
      "p=$1\n"
          + "if [ ! -e \"$p\" ] && [ ! -L \"$p\" ]; then echo 0; exit 0; fi\n"
          + "if [ \"$2\" = 1 ]; then\n"
          + "  n=$(find \"$p\" -depth -printf . 2>/dev/null | wc -c)\n"
          + "  rm -rf -- \"$p\" || exit 1\n"
          + "  echo \"$n\"\n"
          + "else\n"
          + "  rm -d -- \"$p\" || exit 1\n"
          + "  echo 1\n"
          + "fi\n";

  private final Sandbox sandbox;

  /** Operates on {@code sandbox}, which must be running for every call. */
  public FileOps(Sandbox sandbox) {
    this.sandbox = sandbox;
  }

  /** Resolves a wire path: empty means home, relative paths resolve under home. */
  public static String resolve(String path) {
    if (path.indexOf('\0') >= 0) {
      throw Status.INVALID_ARGUMENT
          .withDescription("path must not contain NUL")
          .asRuntimeException();
    }
    if (path.isEmpty()) {
      return HOME;
    }
    String p = path.startsWith("/") ? path : HOME + "/" + path;
    while (p.length() > 1 && p.endsWith("/")) {
      p = p.substring(0, p.length() - 1);
    }
    return p;
  }

  /** lstat semantics: a symlink is reported as one, with its target. */
  public StatResponse stat(String path) throws IOException {
    Result<byte[]> r = run(STAT, List.of(path), null, 64 * 1024);
    if (r.exit != 0) {
      if (r.err.contains("No such file or directory") || r.err.contains("Not a directory")) {
        return StatResponse.newBuilder().setExists(false).build();
      }
      throw error(r, path);
    }
    String[] f = text(r).split("\t", 5);
    return StatResponse.newBuilder()
        .setExists(true)
        .setIsDir(f[0].equals("d"))
        .setIsSymlink(f[0].equals("l"))
        .setSize(Long.parseLong(f[1]))
        .setMode(Integer.parseInt(f[2], 8))
        .setModifiedUnixNs(nanos(f[3]))
        .setSymlinkTarget(f.length > 4 ? f[4] : "")
        .build();
  }

  /** A listing longer than this ({@code find}'s output) is refused rather than held whole. */
  public static final int MAX_LISTING_BYTES = 16 * 1024 * 1024;

  /** A directory with more entries than this is refused: one reply would help nobody. */
  public static final int MAX_LISTING_ENTRIES = 100_000;

  /** Heap a listing takes per byte of {@code find}'s output: the text, the entries, the reply. */
  private static final int LISTING_EXPANSION = 4;

  /**
   * Lists a directory (following a symlink to it), sorted by name. A listing of {@link
   * WholeFileRead#FREE} bytes or more asks {@code room} for the heap its entries take first; one
   * with more than {@link #MAX_LISTING_ENTRIES} entries or {@link #MAX_LISTING_BYTES} bytes is
   * refused with RESOURCE_EXHAUSTED.
   */
  public List<ListEntry> list(String path, boolean includeHidden, WholeFileRead.Room room)
      throws IOException {
    Result<byte[]> r = run(LIST, List.of(path), null, MAX_LISTING_BYTES + 1L);
    if (r.exit != 0) {
      throw error(r, path);
    }
    if (r.out.length > MAX_LISTING_BYTES || records(r.out) > MAX_LISTING_ENTRIES) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              path
                  + " has too many entries to list in one reply (more than "
                  + MAX_LISTING_ENTRIES
                  + ", or over "
                  + (MAX_LISTING_BYTES >> 20)
                  + " MiB of names); list it with a command such as ls or find")
          .asRuntimeException();
    }
    if (r.out.length >= WholeFileRead.FREE) {
      room.reserve((long) r.out.length * LISTING_EXPANSION);
    }
    List<ListEntry> entries = new ArrayList<>();
    for (String rec : text(r).split("\0")) {
      if (rec.isEmpty()) {
        continue;
      }
      String[] f = rec.split("\t", 5);
      if (!includeHidden && f[4].startsWith(".")) {
        continue;
      }
      entries.add(
          ListEntry.newBuilder()
              .setName(f[4])
              .setIsDir(f[0].equals("d"))
              .setSize(Long.parseLong(f[1]))
              .setMode(Integer.parseInt(f[2], 8))
              .setModifiedUnixNs(nanos(f[3]))
              .build());
    }
    entries.sort(Comparator.comparing(ListEntry::getName));
    return entries;
  }

  /**
   * Reads a whole file of at most {@code maxBytes}. The first {@link WholeFileRead#FREE} bytes are
   * read freely; a larger file's buffer is sized from the file's size and grows only after {@code
   * room} agreed (it may block, or throw to end the read).
   */
  public ByteString read(String path, int maxBytes, WholeFileRead.Room room) throws IOException {
    Process p = start(READ, List.of(path, Integer.toString(maxBytes + 1)));
    WholeFileRead reading =
        new WholeFileRead(maxBytes, room, () -> sizeHint(path), () -> tooLarge(maxBytes, path));
    CompletableFuture<ByteString> out =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return reading.from(p.getInputStream());
              } catch (RuntimeException e) {
                kill(p); // the helper may be blocked on a full pipe
                throw e;
              }
            },
            IoThreads.POOL);
    Result<ByteString> r = collect(p, null, out);
    if (r.exit != 0) {
      throw error(r, path);
    }
    if (r.out.size() > maxBytes) {
      throw tooLarge(maxBytes, path);
    }
    return r.out;
  }

  private static StatusRuntimeException tooLarge(int maxBytes, String path) {
    return Status.FAILED_PRECONDITION
        .withDescription(
            "file is larger than " + maxBytes + " bytes; read it with ReadFileStream: " + path)
        .asRuntimeException();
  }

  /** The size of the file at {@code path} (following symlinks), or -1 when it cannot be told. */
  private long sizeHint(String path) {
    try {
      Result<byte[]> r = run(SIZE, List.of(path), null, 64);
      return r.exit == 0 ? Long.parseLong(text(r).trim()) : -1;
    } catch (IOException | RuntimeException e) {
      return -1;
    }
  }

  /** Writes a whole file, creating parent directories; the content goes straight to the helper. */
  public void write(String path, ByteString content) throws IOException {
    Process p = start(WRITE, List.of(path, "", "1", "0"));
    Result<byte[]> r = collect(p, content::writeTo, readAsync(p.getInputStream(), 4096));
    if (r.exit != 0) {
      throw error(r, path);
    }
  }

  /**
   * Starts a streaming write; the caller writes the data to the process's stdin, closes it and
   * calls {@link #finish}.
   */
  public Process startWrite(String path, int mode, boolean truncate, boolean sync)
      throws IOException {
    String m = mode == 0 ? "" : Integer.toOctalString(mode & 07777);
    return start(WRITE, List.of(path, m, truncate ? "1" : "0", sync ? "1" : "0"));
  }

  /**
   * Starts a streaming read: the process prints the file's total size on the first line, then the
   * requested bytes.
   */
  public Process startRead(String path, long offset, long length) throws IOException {
    return start(
        READ_STREAM, List.of(path, Long.toString(offset), length > 0 ? Long.toString(length) : ""));
  }

  /** Waits for a streaming process and turns a failure into a status. */
  public void finish(Process p, String path) throws IOException {
    Result<byte[]> r = collect(p, null, CompletableFuture.completedFuture(new byte[0]));
    if (r.exit != 0) {
      throw error(r, path);
    }
  }

  /** Creates a directory; returns its modification time in ns. */
  public long mkdir(String path, int mode, boolean recursive) throws IOException {
    String m = Integer.toOctalString(mode == 0 ? 0755 : mode & 07777);
    Result<byte[]> r = run(MKDIR, List.of(path, m, recursive ? "1" : "0"), null, 4096);
    if (r.exit != 0) {
      throw error(r, path);
    }
    return nanos(text(r).trim());
  }

  /** Removes a path; returns how many entries went (0 when it did not exist). */
  public long remove(String path, boolean recursive) throws IOException {
    Result<byte[]> r = run(REMOVE, List.of(path, recursive ? "1" : "0"), null, 4096);
    if (r.exit != 0) {
      throw error(r, path);
    }
    return Long.parseLong(text(r).trim());
  }

  private Process start(String script, List<String> args) throws IOException {
    List<String> argv = new ArrayList<>(List.of("/bin/sh", "-c", script, "tenki-fs"));
    argv.add(sandbox.hostPathFor(args.get(0)));
    argv.addAll(args.subList(1, args.size()));
    return sandbox.exec(argv, "/", ENV);
  }

  private Result<byte[]> run(String script, List<String> args, byte[] stdin, long maxOut)
      throws IOException {
    Process p = start(script, args);
    CompletableFuture<byte[]> out =
        maxOut > 0
            ? readAsync(p.getInputStream(), maxOut)
            : CompletableFuture.completedFuture(new byte[0]);
    return collect(p, stdin == null ? null : in -> in.write(stdin), out);
  }

  /** What a helper is fed on its stdin. */
  private interface Stdin {
    void writeTo(java.io.OutputStream in) throws IOException;
  }

  private static <T> Result<T> collect(Process p, Stdin stdin, CompletableFuture<T> out)
      throws IOException {
    CompletableFuture<byte[]> err = readAsync(p.getErrorStream(), 4096);
    try (var in = p.getOutputStream()) {
      if (stdin != null) {
        stdin.writeTo(in);
      }
    } catch (IOException e) {
      // the helper failed early; its stderr says why
    }
    // a helper can block for good (a FIFO, a full pipe): when the caller gives up, so does it
    io.grpc.Context ctx = io.grpc.Context.current();
    io.grpc.Context.CancellationListener onCancel = c -> kill(p);
    ctx.addListener(onCancel, Runnable::run);
    try {
      if (!p.waitFor(OP_TIMEOUT_SECONDS, TimeUnit.SECONDS)) {
        kill(p);
        throw Status.DEADLINE_EXCEEDED
            .withDescription("file operation timed out")
            .asRuntimeException();
      }
      if (ctx.isCancelled()) {
        throw Status.CANCELLED.withDescription("file operation cancelled").asRuntimeException();
      }
      return new Result<>(p.exitValue(), out.get(), new String(err.get(), StandardCharsets.UTF_8));
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      kill(p);
      throw Status.CANCELLED.withDescription("interrupted").asRuntimeException();
    } catch (java.util.concurrent.ExecutionException e) {
      throw new IOException(e.getCause());
    } finally {
      ctx.removeListener(onCancel);
    }
  }

  /**
   * Kills a helper and what it started: the host-side process is only the entry point, the program
   * itself is its descendant inside the sandbox and would outlive it.
   */
  public static void kill(Process p) {
    HostSystem.killEntered(p, HostSystem.ENTERED_GRACE_MS);
  }

  private static CompletableFuture<byte[]> readAsync(InputStream in, long max) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            ByteArrayOutputStream buf = new ByteArrayOutputStream();
            byte[] chunk = new byte[65536];
            int n;
            while ((n = in.read(chunk)) >= 0) {
              if (buf.size() < max) {
                buf.write(chunk, 0, (int) Math.min(n, max - buf.size()));
              }
            }
            return buf.toByteArray();
          } catch (IOException e) {
            return new byte[0];
          }
        },
        IoThreads.POOL);
  }

  /** Maps a helper's failure (its C-locale stderr) to the status a client expects. */
  public static StatusRuntimeException error(String stderr, String path) {
    String e = stderr;
    Status s;
    if (e.contains("No such file or directory")) {
      return Status.NOT_FOUND
          .withDescription("no such file or directory: " + path)
          .asRuntimeException();
    } else if (e.contains("Permission denied")
        || e.contains("Read-only file system")
        || e.contains("Operation not permitted")) {
      s = Status.PERMISSION_DENIED.withDescription("permission denied: " + path);
    } else if (e.contains("cannot create directory")
        && (e.contains("File exists") || e.contains("Not a directory"))
        && !path.equals(quoted(e))) {
      // creating the parent folders met a file where a folder should be
      String inTheWay = e.contains("File exists") ? quoted(e) : null;
      s =
          Status.FAILED_PRECONDITION.withDescription(
              "not a directory: "
                  + (inTheWay != null
                      ? inTheWay + " is a file, so " + path + " cannot be created"
                      : "a folder on the way to " + path + " is a file"));
    } else if (e.contains("File exists")) {
      s = Status.ALREADY_EXISTS.withDescription("file exists: " + path);
    } else if (e.contains("Is a directory")) {
      s = Status.FAILED_PRECONDITION.withDescription("is a directory: " + path);
    } else if (e.contains("Not a directory")) {
      s = Status.FAILED_PRECONDITION.withDescription("not a directory: " + path);
    } else if (e.contains("Directory not empty")) {
      s = Status.FAILED_PRECONDITION.withDescription("directory not empty: " + path);
    } else if (e.contains("No space left")
        || e.contains("File too large")
        || e.contains("Disk quota")
        || e.contains("File size limit")) {
      s = Status.RESOURCE_EXHAUSTED.withDescription("sandbox disk quota exceeded: " + path);
    } else if (e.contains("cannot join the sandbox cgroup") || e.contains("Resource temporarily")) {
      s = Status.RESOURCE_EXHAUSTED.withDescription("sandbox process limit reached");
    } else {
      s = Status.UNKNOWN.withDescription(("file operation failed: " + e.trim()).strip());
    }
    return s.asRuntimeException();
  }

  /** The first name a coreutils message quotes ('like this'), or null when there is none. */
  private static String quoted(String message) {
    int a = message.indexOf('\'');
    int b = a < 0 ? -1 : message.indexOf('\'', a + 1);
    return b < 0 ? null : message.substring(a + 1, b);
  }

  private static StatusRuntimeException error(Result<?> r, String path) {
    if (r.exit > 128 && r.err.isBlank()) {
      return Status.RESOURCE_EXHAUSTED
          .withDescription("file operation was killed (sandbox memory or process limit?)")
          .asRuntimeException();
    }
    return error(r.err, path);
  }

  /** Parses find's {@code %T@} (seconds with a fraction) into nanoseconds. */
  static long nanos(String t) {
    int dot = t.indexOf('.');
    if (dot < 0) {
      return Long.parseLong(t) * 1_000_000_000L;
    }
    String frac = (t.substring(dot + 1) + "000000000").substring(0, 9);
    return Long.parseLong(t.substring(0, dot)) * 1_000_000_000L + Long.parseLong(frac);
  }

  private record Result<T>(int exit, T out, String err) {}

  /** How many NUL-ended records {@code bytes} holds. */
  private static int records(byte[] bytes) {
    int n = 0;
    for (byte b : bytes) {
      if (b == 0) {
        n++;
      }
    }
    return n;
  }

  private static String text(Result<byte[]> r) {
    return new String(r.out, StandardCharsets.UTF_8);
  }
}
