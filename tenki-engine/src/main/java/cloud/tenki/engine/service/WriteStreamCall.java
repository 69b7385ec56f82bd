package cloud.tenki.engine.service;

import cloud.tenki.engine.sandbox.FileOps;
import cloud.tenki.engine.sandbox.IoThreads;
import cloud.tenki.engine.session.Session;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileStreamRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileStreamResponse;
import cloud.tenki.proto.sandbox.v1.WriteFileStreamRequest;
import cloud.tenki.proto.sandbox.v1.WriteFileStreamResponse;
import cloud.tenki.proto.sandbox.v1.WriteFileStreamStart;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.io.IOException;
import java.io.OutputStream;
import java.util.concurrent.Executor;

/**
 * One WriteFileStream call: {@code start} then data frames written straight into the file as the
 * sandbox user. Frames are requested one at a time, each after the previous one was written, so a
 * fast client is held back by flow control. Not truncating means appending.
 */
final class WriteStreamCall
    implements StreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamRequest> {

  private final DataPlaneService service;
  private final ServerCallStreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamResponse> out;
  // one writer thread at a time, in frame order
  private final Executor serial = new SerialExecutor(IoThreads.POOL);
  private Session session;
  private String path;
  private volatile Process process;
  private OutputStream sink;
  private long written;
  private volatile boolean failed;
  private final String credential = DataPlaneAuth.CREDENTIAL.get();

  WriteStreamCall(
      DataPlaneService service,
      StreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamResponse> out) {
    this.service = service;
    this.out =
        (ServerCallStreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamResponse>) out;
    this.out.disableAutoRequest();
    this.out.setOnCancelHandler(this::abort);
    this.out.request(1);
  }

  @Override
  public void onNext(SandboxSessionDataPlaneServiceWriteFileStreamRequest envelope) {
    WriteFileStreamRequest frame = envelope.getFrame();
    serial.execute(
        () -> {
          if (failed) {
            return;
          }
          try {
            if (process == null) {
              begin(frame);
            } else if (frame.getPayloadCase() == WriteFileStreamRequest.PayloadCase.DATA) {
              frame.getData().writeTo(sink);
              written += frame.getData().size();
            }
            out.request(1);
          } catch (RuntimeException | IOException e) {
            fail(e);
          }
        });
  }

  private void begin(WriteFileStreamRequest frame) throws IOException {
    if (frame.getPayloadCase() != WriteFileStreamRequest.PayloadCase.START) {
      throw Status.INVALID_ARGUMENT
          .withDescription("the first WriteFileStream frame must be start")
          .asRuntimeException();
    }
    WriteFileStreamStart start = frame.getStart();
    session = service.authorize(start.getSessionId(), credential);
    DataPlaneService.requireDiskRoom(session);
    path = FileOps.resolve(start.getPath());
    process =
        session.files().startWrite(path, start.getMode(), start.getTruncate(), start.getSync());
    sink = process.getOutputStream();
  }

  @Override
  public void onError(Throwable t) {
    abort();
  }

  @Override
  public void onCompleted() {
    serial.execute(
        () -> {
          if (failed) {
            return;
          }
          try {
            if (process == null) {
              throw Status.INVALID_ARGUMENT
                  .withDescription("WriteFileStream needs a start frame")
                  .asRuntimeException();
            }
            sink.close();
            session.files().finish(process, path);
            out.onNext(
                SandboxSessionDataPlaneServiceWriteFileStreamResponse.newBuilder()
                    .setResponse(
                        WriteFileStreamResponse.newBuilder().setPath(path).setBytesWritten(written))
                    .build());
            out.onCompleted();
          } catch (RuntimeException | IOException e) {
            fail(e);
          }
        });
  }

  private void fail(Exception e) {
    if (failed) {
      return;
    }
    failed = true;
    RuntimeException status = e instanceof IOException && process != null ? finishError() : null;
    if (process != null) {
      cloud.tenki.engine.sandbox.FileOps.kill(process);
    }
    out.onError(Calls.toStatus(status != null ? status : e));
  }

  /** A write that failed mid-stream: the helper's own error explains it best. */
  private RuntimeException finishError() {
    try {
      sink.close();
    } catch (IOException ignored) {
      // broken pipe is the expected way here
    }
    try {
      session.files().finish(process, path);
    } catch (RuntimeException e) {
      return e;
    } catch (IOException e) {
      return null;
    }
    return null;
  }

  private void abort() {
    failed = true;
    if (process != null) {
      cloud.tenki.engine.sandbox.FileOps.kill(process);
    }
  }
}
