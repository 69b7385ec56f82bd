package cloud.tenki.sandbox.internal.dataplane;

import cloud.tenki.proto.sandbox.v1.ReadFileStreamRequest;
import cloud.tenki.proto.sandbox.v1.ReadFileStreamResponse;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceReadFileStreamRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceReadFileStreamResponse;
import cloud.tenki.sandbox.internal.errors.ErrorMapper;
import io.grpc.Context;
import java.io.IOException;
import java.io.InputStream;
import java.time.Duration;
import java.util.Iterator;

/**
 * A file range streamed with {@code ReadFileStream}. The blocking iterator asks the server for one
 * message at a time, so a slow reader holds at most a chunk or two; closing cancels the stream.
 */
public final class FileReadStream extends InputStream {
  static final int CHUNK_BYTES = 256 * 1024;
  private static final Duration STREAM_DEADLINE = Duration.ofHours(1);

  private final Context.CancellableContext context;
  private final Iterator<SandboxSessionDataPlaneServiceReadFileStreamResponse> responses;
  private final String path;
  private ReadFileStreamResponse current;
  private int pos;
  private boolean eof;

  private FileReadStream(
      Context.CancellableContext context,
      Iterator<SandboxSessionDataPlaneServiceReadFileStreamResponse> responses,
      String path) {
    this.context = context;
    this.responses = responses;
    this.path = path;
  }

  /** Opens the stream and waits for its first message, so open errors surface here. */
  public static FileReadStream open(DataPlane dataPlane, String path, long offset, long length) {
    ReadFileStreamRequest req =
        ReadFileStreamRequest.newBuilder()
            .setSessionId(dataPlane.sessionId())
            .setPath(path)
            .setOffset(offset)
            .setLength(length)
            .setChunkBytes(CHUNK_BYTES)
            .build();
    return dataPlane.call(
        "ReadFileStream",
        true,
        route -> {
          Context.CancellableContext ctx = Context.current().withCancellation();
          try {
            Iterator<SandboxSessionDataPlaneServiceReadFileStreamResponse> it =
                ctx.call(
                    () ->
                        route
                            .blocking(STREAM_DEADLINE)
                            .readFileStream(
                                SandboxSessionDataPlaneServiceReadFileStreamRequest.newBuilder()
                                    .setRequest(req)
                                    .build()));
            FileReadStream s = new FileReadStream(ctx, it, path);
            s.advance();
            return s;
          } catch (RuntimeException e) {
            ctx.cancel(null);
            throw e;
          } catch (Exception e) {
            ctx.cancel(null);
            throw new IllegalStateException(e);
          }
        });
  }

  /** Moves to the next message with data; false at end of file. */
  private boolean advance() {
    while (!eof) {
      if (!responses.hasNext()) {
        eof = true;
        return false;
      }
      current = responses.next().getResponse();
      pos = 0;
      if (current.getEof()) {
        eof = true;
        drain();
      }
      if (!current.getData().isEmpty()) {
        return true;
      }
    }
    return false;
  }

  /**
   * Waits for the call's status after the last message: a server that sent {@code eof} and then
   * failed (the file could be stat'ed but not opened) is an error, not an empty file.
   */
  private void drain() {
    while (responses.hasNext()) {
      responses.next();
    }
  }

  @Override
  public int read() throws IOException {
    byte[] one = new byte[1];
    int n = read(one, 0, 1);
    return n < 0 ? -1 : one[0] & 0xff;
  }

  @Override
  public int read(byte[] b, int off, int len) throws IOException {
    java.util.Objects.checkFromIndexSize(off, len, b.length);
    if (len == 0) {
      return 0;
    }
    try {
      if (current == null || pos >= current.getData().size()) {
        if (eof || !advance()) {
          if (current == null || pos >= current.getData().size()) {
            return -1;
          }
        }
      }
      int n = Math.min(len, current.getData().size() - pos);
      current.getData().copyTo(b, pos, off, n);
      pos += n;
      return n;
    } catch (RuntimeException e) {
      cloud.tenki.sandbox.TenkiException te = ErrorMapper.fromGrpc("ReadFileStream " + path, e);
      throw new IOException(te.getMessage(), te);
    }
  }

  @Override
  public void close() {
    context.cancel(null);
  }
}
