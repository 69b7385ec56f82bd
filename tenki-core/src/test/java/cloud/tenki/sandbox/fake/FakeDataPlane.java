package cloud.tenki.sandbox.fake;

import cloud.tenki.proto.sandbox.v1.*;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;

/** The fake {@code SandboxSessionDataPlaneService}: real files under the session's home. */
final class FakeDataPlane
    extends SandboxSessionDataPlaneServiceGrpc.SandboxSessionDataPlaneServiceImplBase {
  private final FakeTenki fake;

  FakeDataPlane(FakeTenki fake) {
    this.fake = fake;
  }

  /** The session the credential belongs to; the request must name the same one. */
  static FakeSession session(String requested) {
    FakeSession s = FakeTenki.SESSION.get();
    if (!s.id.equals(requested)) {
      throw Status.PERMISSION_DENIED
          .withDescription("credential is not valid for session " + requested)
          .asRuntimeException();
    }
    return s;
  }

  static RuntimeException io(IOException e, String path) {
    if (e instanceof NoSuchFileException) {
      return Status.NOT_FOUND.withDescription(path + ": no such file").asRuntimeException();
    }
    if (e instanceof DirectoryNotEmptyException) {
      return Status.FAILED_PRECONDITION
          .withDescription(path + ": directory not empty")
          .asRuntimeException();
    }
    return Status.INTERNAL.withDescription(path + ": " + e.getMessage()).asRuntimeException();
  }

  private static <T> void reply(StreamObserver<T> out, T value) {
    out.onNext(value);
    out.onCompleted();
  }

  @Override
  public StreamObserver<SandboxSessionDataPlaneServiceRunRequest> run(
      StreamObserver<SandboxSessionDataPlaneServiceRunResponse> out) {
    return new FakeRun(
        fake,
        FakeTenki.SESSION.get(),
        (ServerCallStreamObserver<SandboxSessionDataPlaneServiceRunResponse>) out);
  }

  @Override
  public void readFile(
      SandboxSessionDataPlaneServiceReadFileRequest r,
      StreamObserver<SandboxSessionDataPlaneServiceReadFileResponse> out) {
    ReadFileRequest q = r.getRequest();
    Path p = session(q.getSessionId()).hostPath(q.getPath());
    try {
      reply(
          out,
          SandboxSessionDataPlaneServiceReadFileResponse.newBuilder()
              .setResponse(
                  ReadFileResponse.newBuilder()
                      .setPath(q.getPath())
                      .setContent(ByteString.copyFrom(Files.readAllBytes(p))))
              .build());
    } catch (IOException e) {
      throw io(e, q.getPath());
    }
  }

  @Override
  public void writeFile(
      SandboxSessionDataPlaneServiceWriteFileRequest r,
      StreamObserver<SandboxSessionDataPlaneServiceWriteFileResponse> out) {
    WriteFileRequest q = r.getRequest();
    Path p = session(q.getSessionId()).hostPath(q.getPath());
    try {
      Files.write(p, q.getContent().toByteArray());
    } catch (IOException e) {
      throw io(e, q.getPath());
    }
    reply(
        out,
        SandboxSessionDataPlaneServiceWriteFileResponse.newBuilder()
            .setResponse(
                WriteFileResponse.newBuilder()
                    .setPath(q.getPath())
                    .setSizeBytes(q.getContent().size()))
            .build());
  }

  @Override
  public void readFileStream(
      SandboxSessionDataPlaneServiceReadFileStreamRequest r,
      StreamObserver<SandboxSessionDataPlaneServiceReadFileStreamResponse> out) {
    ReadFileStreamRequest q = r.getRequest();
    Path p = session(q.getSessionId()).hostPath(q.getPath());
    ServerCallStreamObserver<SandboxSessionDataPlaneServiceReadFileStreamResponse> so =
        (ServerCallStreamObserver<SandboxSessionDataPlaneServiceReadFileStreamResponse>) out;
    Object ready = new Object();
    so.setOnReadyHandler(
        () -> {
          synchronized (ready) {
            ready.notifyAll();
          }
        });
    int chunk = q.getChunkBytes() == 0 ? 64 * 1024 : Math.min(q.getChunkBytes(), 1 << 20);
    try (InputStream in = Files.newInputStream(p)) {
      long size = Files.size(p);
      in.skipNBytes(Math.min(q.getOffset(), size));
      long left = q.getLength() == 0 ? Long.MAX_VALUE : q.getLength();
      byte[] buf = new byte[chunk];
      while (left > 0) {
        int n = in.read(buf, 0, (int) Math.min(buf.length, left));
        if (n < 0) {
          break;
        }
        left -= n;
        synchronized (ready) {
          while (!so.isReady() && !so.isCancelled()) {
            ready.wait(100);
          }
        }
        if (so.isCancelled()) {
          return;
        }
        so.onNext(
            frame(
                ReadFileStreamResponse.newBuilder()
                    .setData(ByteString.copyFrom(buf, 0, n))
                    .setTotalSize(size)));
      }
      so.onNext(frame(ReadFileStreamResponse.newBuilder().setEof(true).setTotalSize(size)));
      io.grpc.Status late = fake.readFailsAfterEof;
      if (late != null) {
        so.onError(late.asRuntimeException());
        return;
      }
      so.onCompleted();
    } catch (IOException e) {
      throw io(e, q.getPath());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private static SandboxSessionDataPlaneServiceReadFileStreamResponse frame(
      ReadFileStreamResponse.Builder b) {
    return SandboxSessionDataPlaneServiceReadFileStreamResponse.newBuilder().setResponse(b).build();
  }

  @Override
  public StreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamRequest> writeFileStream(
      StreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamResponse> out) {
    FakeSession s = FakeTenki.SESSION.get();
    return new StreamObserver<>() {
      OutputStream file;
      String path;
      long written;
      boolean failed;

      @Override
      public void onNext(SandboxSessionDataPlaneServiceWriteFileStreamRequest value) {
        if (failed) {
          return;
        }
        WriteFileStreamRequest f = value.getFrame();
        try {
          if (f.hasStart()) {
            path = f.getStart().getPath();
            session(f.getStart().getSessionId());
            file =
                Files.newOutputStream(
                    s.hostPath(path),
                    StandardOpenOption.CREATE,
                    StandardOpenOption.WRITE,
                    f.getStart().getTruncate()
                        ? StandardOpenOption.TRUNCATE_EXISTING
                        : StandardOpenOption.APPEND);
          } else if (file == null) {
            throw Status.INVALID_ARGUMENT.withDescription("data before start").asRuntimeException();
          } else {
            f.getData().writeTo(file);
            written += f.getData().size();
          }
        } catch (IOException e) {
          failed = true;
          out.onError(io(e, path));
        } catch (io.grpc.StatusRuntimeException e) {
          failed = true;
          out.onError(e);
        }
      }

      @Override
      public void onError(Throwable t) {
        closeFile();
      }

      @Override
      public void onCompleted() {
        if (failed) {
          return;
        }
        closeFile();
        reply(
            out,
            SandboxSessionDataPlaneServiceWriteFileStreamResponse.newBuilder()
                .setResponse(
                    WriteFileStreamResponse.newBuilder().setBytesWritten(written).setPath(path))
                .build());
      }

      private void closeFile() {
        try {
          if (file != null) {
            file.close();
          }
        } catch (IOException ignored) {
          // reported through the byte count
        }
      }
    };
  }

  @Override
  public void stat(
      SandboxSessionDataPlaneServiceStatRequest r,
      StreamObserver<SandboxSessionDataPlaneServiceStatResponse> out) {
    StatRequest q = r.getRequest();
    Path p = session(q.getSessionId()).hostPathOfLink(q.getPath());
    StatResponse.Builder b = StatResponse.newBuilder();
    try {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        BasicFileAttributes a =
            Files.readAttributes(p, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        b.setExists(true)
            .setSize(a.size())
            .setIsDir(a.isDirectory())
            .setIsSymlink(a.isSymbolicLink())
            .setMode(a.isDirectory() ? 040755 : 0100644)
            .setModifiedUnixNs(a.lastModifiedTime().toMillis() * 1_000_000L);
        if (a.isSymbolicLink()) {
          b.setSymlinkTarget(Files.readSymbolicLink(p).toString());
        }
      }
    } catch (IOException e) {
      throw io(e, q.getPath());
    }
    reply(out, SandboxSessionDataPlaneServiceStatResponse.newBuilder().setResponse(b).build());
  }

  @Override
  public void mkdir(
      SandboxSessionDataPlaneServiceMkdirRequest r,
      StreamObserver<SandboxSessionDataPlaneServiceMkdirResponse> out) {
    MkdirRequest q = r.getRequest();
    Path p = session(q.getSessionId()).hostPath(q.getPath());
    try {
      if (q.getRecursive()) {
        Files.createDirectories(p);
      } else {
        Files.createDirectory(p);
      }
    } catch (java.nio.file.FileAlreadyExistsException e) {
      throw Status.ALREADY_EXISTS.withDescription(q.getPath() + " exists").asRuntimeException();
    } catch (IOException e) {
      throw io(e, q.getPath());
    }
    reply(
        out,
        SandboxSessionDataPlaneServiceMkdirResponse.newBuilder()
            .setResponse(
                MkdirResponse.newBuilder()
                    .setModifiedUnixNs(System.currentTimeMillis() * 1_000_000L))
            .build());
  }

  @Override
  public void remove(
      SandboxSessionDataPlaneServiceRemoveRequest r,
      StreamObserver<SandboxSessionDataPlaneServiceRemoveResponse> out) {
    RemoveRequest q = r.getRequest();
    FakeSession s = session(q.getSessionId());
    Path p = s.hostPath(q.getPath());
    long removed = 0;
    try {
      if (Files.exists(p, LinkOption.NOFOLLOW_LINKS)) {
        if (q.getRecursive() && Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS)) {
          List<Path> all = new ArrayList<>();
          try (Stream<Path> walk = Files.walk(p)) {
            walk.forEach(all::add);
          }
          for (int i = all.size() - 1; i >= 0; i--) {
            Files.delete(all.get(i));
            removed++;
          }
        } else {
          Files.delete(p);
          removed = 1;
        }
      }
    } catch (IOException e) {
      throw io(e, q.getPath());
    }
    reply(
        out,
        SandboxSessionDataPlaneServiceRemoveResponse.newBuilder()
            .setResponse(
                RemoveResponse.newBuilder().setRemoved(removed > 0).setEntriesRemoved(removed))
            .build());
  }

  @Override
  public void list(
      SandboxSessionDataPlaneServiceListRequest r,
      StreamObserver<SandboxSessionDataPlaneServiceListResponse> out) {
    ListRequest q = r.getRequest();
    Path p = session(q.getSessionId()).hostPath(q.getPath());
    ListResponse.Builder b = ListResponse.newBuilder();
    try (Stream<Path> entries = Files.list(p)) {
      for (Path e : entries.sorted().toList()) {
        String name = e.getFileName().toString();
        if (!q.getIncludeHidden() && name.startsWith(".")) {
          continue;
        }
        BasicFileAttributes a =
            Files.readAttributes(e, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
        b.addEntries(
            ListEntry.newBuilder()
                .setName(name)
                .setIsDir(a.isDirectory())
                .setSize(a.size())
                .setMode(a.isDirectory() ? 040755 : 0100644)
                .setModifiedUnixNs(a.lastModifiedTime().toMillis() * 1_000_000L));
      }
    } catch (IOException e) {
      throw io(e, q.getPath());
    }
    reply(out, SandboxSessionDataPlaneServiceListResponse.newBuilder().setResponse(b).build());
  }
}
