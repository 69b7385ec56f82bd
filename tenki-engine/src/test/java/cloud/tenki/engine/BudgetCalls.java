package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.catchThrowableOfType;

import cloud.tenki.proto.sandbox.v1.ReadFileRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceGrpc;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceReadFileRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceReadFileResponse;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceWriteFileRequest;
import cloud.tenki.proto.sandbox.v1.WriteFileRequest;
import com.google.protobuf.ByteString;
import io.grpc.CallOptions;
import io.grpc.ClientCall;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import java.net.URI;
import java.security.MessageDigest;
import java.util.HexFormat;
import java.util.Random;
import java.util.concurrent.CompletableFuture;

/** Whole-file calls for the memory-budget tests, including ones whose reply is never read. */
final class BudgetCalls {

  static final int MIB = 1024 * 1024;

  private BudgetCalls() {}

  static SandboxSessionDataPlaneServiceReadFileRequest readRequest(
      EngineClient.Sandbox sb, String path) {
    return SandboxSessionDataPlaneServiceReadFileRequest.newBuilder()
        .setRequest(ReadFileRequest.newBuilder().setSessionId(sb.id).setPath(path))
        .build();
  }

  static SandboxSessionDataPlaneServiceWriteFileRequest writeRequest(
      EngineClient.Sandbox sb, String path, byte[] data) {
    return SandboxSessionDataPlaneServiceWriteFileRequest.newBuilder()
        .setRequest(
            WriteFileRequest.newBuilder()
                .setSessionId(sb.id)
                .setPath(path)
                .setContent(ByteString.copyFrom(data)))
        .build();
  }

  static String sha256(byte[] b) throws Exception {
    return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(b));
  }

  /** {@code n} random bytes (the same ones for the same {@code n}). */
  static byte[] random(int n) {
    byte[] b = new byte[n];
    new Random(n).nextBytes(b);
    return b;
  }

  /** The status code a blocking call ended with (OK when it returned). */
  static Status.Code codeOf(Runnable call) {
    StatusRuntimeException e = catchThrowableOfType(StatusRuntimeException.class, call::run);
    return e == null ? Status.Code.OK : e.getStatus().getCode();
  }

  /** A channel whose client takes nothing off the wire until asked: replies stall after 64 KiB. */
  static ManagedChannel slowChannel(String endpoint) {
    URI u = URI.create(endpoint);
    return NettyChannelBuilder.forAddress(u.getHost(), u.getPort())
        .usePlaintext()
        .flowControlWindow(65_535)
        .maxInboundMessageSize(64 * MIB)
        .build();
  }

  /** A ReadFile whose reply is never read: the engine is left mid-way through writing it. */
  record StalledRead(
      ClientCall<SandboxSessionDataPlaneServiceReadFileRequest, ?> call,
      CompletableFuture<Metadata> headers,
      CompletableFuture<Status> closed) {}

  /** Starts a ReadFile of {@code path} on a {@link #slowChannel} and never asks for its reply. */
  static StalledRead stalledRead(ManagedChannel ch, EngineClient.Sandbox sb, String path) {
    ClientCall<
            SandboxSessionDataPlaneServiceReadFileRequest,
            SandboxSessionDataPlaneServiceReadFileResponse>
        call =
            ch.newCall(SandboxSessionDataPlaneServiceGrpc.getReadFileMethod(), CallOptions.DEFAULT);
    CompletableFuture<Metadata> headers = new CompletableFuture<>();
    CompletableFuture<Status> closed = new CompletableFuture<>();
    Metadata md = new Metadata();
    md.put(EngineClient.CERT, sb.credential);
    call.start(
        new ClientCall.Listener<>() {
          @Override
          public void onHeaders(Metadata h) {
            headers.complete(h);
          }

          @Override
          public void onClose(Status status, Metadata trailers) {
            closed.complete(status);
          }
        },
        md);
    call.sendMessage(readRequest(sb, path));
    call.halfClose();
    return new StalledRead(call, headers, closed);
  }
}
