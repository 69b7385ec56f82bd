package cloud.tenki.engine.service;

import cloud.tenki.engine.sandbox.FileOps;
import cloud.tenki.engine.sandbox.IoThreads;
import cloud.tenki.engine.session.Session;
import cloud.tenki.proto.sandbox.v1.ReadFileStreamRequest;
import cloud.tenki.proto.sandbox.v1.ReadFileStreamResponse;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceReadFileStreamResponse;
import com.google.protobuf.ByteString;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** One ReadFileStream call: chunks of a file range, paced by the client's flow control. */
final class ReadStreamCall {

  private static final int DEFAULT_CHUNK = 64 * 1024;
  private static final int MAX_CHUNK = 1024 * 1024;

  private final DataPlaneService service;
  private final ReadFileStreamRequest req;
  private final ServerCallStreamObserver<SandboxSessionDataPlaneServiceReadFileStreamResponse> call;
  private final OutboundGate<SandboxSessionDataPlaneServiceReadFileStreamResponse> gate;

  ReadStreamCall(
      DataPlaneService service,
      ReadFileStreamRequest req,
      StreamObserver<SandboxSessionDataPlaneServiceReadFileStreamResponse> out) {
    this.service = service;
    this.req = req;
    this.call =
        (ServerCallStreamObserver<SandboxSessionDataPlaneServiceReadFileStreamResponse>) out;
    this.gate = new OutboundGate<>(call);
  }

  void start() {
    if (req.getOffset() < 0 || req.getLength() < 0) {
      gate.fail(
          Status.INVALID_ARGUMENT
              .withDescription(
                  (req.getOffset() < 0 ? "offset" : "length") + " must not be negative")
              .asRuntimeException());
      return;
    }
    Session s;
    try {
      s = service.authorize(req.getSessionId());
    } catch (RuntimeException e) {
      gate.fail(e);
      return;
    }
    String path = FileOps.resolve(req.getPath());
    int chunk = req.getChunkBytes() == 0 ? DEFAULT_CHUNK : Math.min(req.getChunkBytes(), MAX_CHUNK);
    call.setOnCancelHandler(gate::cancelled);
    IoThreads.POOL.execute(() -> stream(s, path, chunk));
  }

  private void stream(Session s, String path, int chunk) {
    Process p = null;
    try {
      p = s.files().startRead(path, req.getOffset(), req.getLength());
      p.getOutputStream().close();
      InputStream in = p.getInputStream();
      String first = readLine(in);
      if (first.isEmpty()) {
        in.transferTo(java.io.OutputStream.nullOutputStream());
        s.files().finish(p, path);
        throw Status.INTERNAL.withDescription("could not read " + path).asRuntimeException();
      }
      long total = Long.parseLong(first.trim());
      byte[] buf = new byte[chunk];
      while (true) {
        int n = in.readNBytes(buf, 0, chunk);
        boolean eof = n < chunk;
        if (eof) {
          // the helper's status decides whether the end is the file's end or a failure (a file
          // it may stat but not open): the last chunk must not claim eof before that is known
          s.files().finish(p, path);
        }
        ReadFileStreamResponse.Builder r =
            ReadFileStreamResponse.newBuilder()
                .setData(ByteString.copyFrom(buf, 0, n))
                .setTotalSize(total)
                .setEof(eof);
        if (!gate.send(
            SandboxSessionDataPlaneServiceReadFileStreamResponse.newBuilder()
                .setResponse(r)
                .build())) {
          cloud.tenki.engine.sandbox.FileOps.kill(p);
          return;
        }
        if (eof) {
          break;
        }
      }
      gate.complete();
    } catch (Exception e) {
      if (p != null) {
        cloud.tenki.engine.sandbox.FileOps.kill(p);
      }
      gate.fail(e);
    }
  }

  private static String readLine(InputStream in) throws java.io.IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0 && c != '\n' && sb.length() < 32) {
      sb.append((char) c);
    }
    return new String(sb.toString().getBytes(StandardCharsets.ISO_8859_1), StandardCharsets.UTF_8);
  }
}
