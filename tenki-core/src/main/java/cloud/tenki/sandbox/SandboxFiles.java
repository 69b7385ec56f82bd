package cloud.tenki.sandbox;

import cloud.tenki.proto.sandbox.v1.ListRequest;
import cloud.tenki.proto.sandbox.v1.MkdirRequest;
import cloud.tenki.proto.sandbox.v1.RemoveRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceListRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceMkdirRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRemoveRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceStatRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileRequest;
import cloud.tenki.proto.sandbox.v1.StatRequest;
import cloud.tenki.proto.sandbox.v1.WriteFileRequest;
import cloud.tenki.sandbox.internal.dataplane.DataPlane;
import cloud.tenki.sandbox.internal.dataplane.FileReadStream;
import cloud.tenki.sandbox.internal.dataplane.FileWriteStream;
import cloud.tenki.sandbox.internal.dataplane.SandboxPaths;
import cloud.tenki.sandbox.internal.mapper.WireMapper;
import com.google.protobuf.ByteString;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

/**
 * The files of one sandbox; from {@link Sandbox#fs()}. Thread-safe.
 *
 * <p>Paths are relative to the sandbox workdir {@code /home/tenki}; absolute paths must stay inside
 * it, and a path that climbs out with {@code ..} is rejected with {@link IllegalArgumentException}
 * before anything is sent. Small files are read and written whole; {@link #openRead} and {@link
 * #openWrite} stream large ones in bounded memory.
 *
 * <pre>{@code
 * SandboxFiles fs = sandbox.fs();
 * fs.writeText("input.txt", "data");
 * String text = fs.readText("input.txt");
 * try (InputStream in = fs.openRead("big.bin", 1024, 4096)) { // 4 KiB from offset 1 KiB
 *   in.transferTo(out);
 * }
 * }</pre>
 */
public final class SandboxFiles {
  /** Writes up to this size go in one message; larger ones are streamed. */
  private static final int WHOLE_WRITE_LIMIT = 1024 * 1024;

  private static final Duration CALL_TIMEOUT = Duration.ofMinutes(5);

  private final DataPlane dataPlane;

  SandboxFiles(DataPlane dataPlane) {
    this.dataPlane = dataPlane;
  }

  /** The absolute sandbox path {@code path} refers to, after the escape checks. */
  public String resolve(String path) {
    return SandboxPaths.resolve(path);
  }

  /** Reads a whole file. */
  public byte[] readBytes(String path) {
    try (InputStream in = openRead(path)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw unwrap(e);
    }
  }

  /** Reads a whole file as UTF-8 text. */
  public String readText(String path) {
    return new String(readBytes(path), StandardCharsets.UTF_8);
  }

  /** Writes (creates or replaces) a file with {@code content}. */
  public void writeBytes(String path, byte[] content) {
    String p = SandboxPaths.resolve(path);
    Objects.requireNonNull(content, "content");
    if (content.length > WHOLE_WRITE_LIMIT) {
      try (OutputStream out = openWrite(path)) {
        out.write(content);
      } catch (IOException e) {
        throw unwrap(e);
      }
      return;
    }
    SandboxSessionDataPlaneServiceWriteFileRequest req =
        SandboxSessionDataPlaneServiceWriteFileRequest.newBuilder()
            .setRequest(
                WriteFileRequest.newBuilder()
                    .setSessionId(dataPlane.sessionId())
                    .setPath(p)
                    .setContent(ByteString.copyFrom(content)))
            .build();
    dataPlane.call("WriteFile " + p, false, r -> r.blocking(CALL_TIMEOUT).writeFile(req));
  }

  /** Writes {@code text} as UTF-8. */
  public void writeText(String path, String text) {
    writeBytes(path, Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
  }

  /** Streams a whole file; close the stream when done. */
  public InputStream openRead(String path) {
    return openRead(path, 0, 0);
  }

  /**
   * Streams {@code length} bytes from {@code offset} ({@code length} 0: to the end of the file).
   */
  public InputStream openRead(String path, long offset, long length) {
    if (offset < 0) {
      throw new IllegalArgumentException("offset must not be negative, got " + offset);
    }
    if (length < 0) {
      throw new IllegalArgumentException("length must not be negative, got " + length);
    }
    return FileReadStream.open(dataPlane, SandboxPaths.resolve(path), offset, length);
  }

  /**
   * Opens a file for streamed writing (created or truncated). The write is complete, and errors
   * surface, when the stream is closed.
   */
  public OutputStream openWrite(String path) {
    return FileWriteStream.open(dataPlane, SandboxPaths.resolve(path), 0, true);
  }

  /**
   * Opens a file for streamed appending: bytes go to the end of the file, which is created if it
   * does not exist. The write is complete, and errors surface, when the stream is closed.
   */
  public OutputStream openAppend(String path) {
    return FileWriteStream.open(dataPlane, SandboxPaths.resolve(path), 0, false);
  }

  /** Appends {@code content} to a file, creating it if it does not exist. */
  public void append(String path, byte[] content) {
    Objects.requireNonNull(content, "content");
    try (OutputStream out = openAppend(path)) {
      out.write(content);
    } catch (IOException e) {
      throw unwrap(e);
    }
  }

  /** Appends {@code text} as UTF-8 to a file, creating it if it does not exist. */
  public void appendText(String path, String text) {
    append(path, Objects.requireNonNull(text, "text").getBytes(StandardCharsets.UTF_8));
  }

  /** Streams {@code in} into a file and returns the number of bytes written. */
  public long write(String path, InputStream in) {
    Objects.requireNonNull(in, "in");
    try (OutputStream out = openWrite(path)) {
      return in.transferTo(out);
    } catch (IOException e) {
      throw unwrap(e);
    }
  }

  /** Describes {@code path}; a missing path has {@code exists() == false}. */
  public FileStat stat(String path) {
    String p = SandboxPaths.resolve(path);
    SandboxSessionDataPlaneServiceStatRequest req =
        SandboxSessionDataPlaneServiceStatRequest.newBuilder()
            .setRequest(StatRequest.newBuilder().setSessionId(dataPlane.sessionId()).setPath(p))
            .build();
    return WireMapper.stat(
        p,
        dataPlane.call("Stat " + p, true, r -> r.blocking(CALL_TIMEOUT).stat(req)).getResponse());
  }

  /** Whether {@code path} exists. */
  public boolean exists(String path) {
    return stat(path).exists();
  }

  /** Lists a directory, without hidden entries. */
  public List<FileEntry> list(String path) {
    return list(path, false);
  }

  /** Lists a directory. */
  public List<FileEntry> list(String path, boolean includeHidden) {
    String p = SandboxPaths.resolve(path);
    SandboxSessionDataPlaneServiceListRequest req =
        SandboxSessionDataPlaneServiceListRequest.newBuilder()
            .setRequest(
                ListRequest.newBuilder()
                    .setSessionId(dataPlane.sessionId())
                    .setPath(p)
                    .setIncludeHidden(includeHidden))
            .build();
    return dataPlane
        .call("List " + p, true, r -> r.blocking(CALL_TIMEOUT).list(req))
        .getResponse()
        .getEntriesList()
        .stream()
        .map(WireMapper::entry)
        .toList();
  }

  /** Creates a directory and any missing parents. */
  public void mkdir(String path) {
    mkdir(path, true);
  }

  /** Creates a directory; with {@code parents}, also any missing parents. */
  public void mkdir(String path, boolean parents) {
    String p = SandboxPaths.resolve(path);
    SandboxSessionDataPlaneServiceMkdirRequest req =
        SandboxSessionDataPlaneServiceMkdirRequest.newBuilder()
            .setRequest(
                MkdirRequest.newBuilder()
                    .setSessionId(dataPlane.sessionId())
                    .setPath(p)
                    .setRecursive(parents))
            .build();
    dataPlane.call("Mkdir " + p, true, r -> r.blocking(CALL_TIMEOUT).mkdir(req));
  }

  /** Removes a file or an empty directory; returns whether something was removed. */
  public boolean remove(String path) {
    return remove(path, false);
  }

  /** Removes a file or directory, with {@code recursive} also a non-empty directory. */
  public boolean remove(String path, boolean recursive) {
    String p = SandboxPaths.resolve(path);
    if (p.equals(SandboxPaths.HOME)) {
      throw new IllegalArgumentException("path '" + path + "' is the workdir itself");
    }
    SandboxSessionDataPlaneServiceRemoveRequest req =
        SandboxSessionDataPlaneServiceRemoveRequest.newBuilder()
            .setRequest(
                RemoveRequest.newBuilder()
                    .setSessionId(dataPlane.sessionId())
                    .setPath(p)
                    .setRecursive(recursive))
            .build();
    return dataPlane
        .call("Remove " + p, true, r -> r.blocking(CALL_TIMEOUT).remove(req))
        .getResponse()
        .getRemoved();
  }

  private static RuntimeException unwrap(IOException e) {
    if (e.getCause() instanceof TenkiException te) {
      return te;
    }
    return new UncheckedIOException(e.getMessage(), e);
  }
}
