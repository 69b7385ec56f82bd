package cloud.tenki.benchmarks;

import cloud.tenki.engine.LocalEngine;
import cloud.tenki.proto.sandbox.v1.*;
import com.google.protobuf.ByteString;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/** Small {@code Run} and file helpers over raw gRPC stubs for the network benchmark. */
final class Exec {

  private static final Metadata.Key<String> CERT =
      Metadata.Key.of("x-tenki-session-cert", Metadata.ASCII_STRING_MARSHALLER);

  private Exec() {}

  /** Runs {@code cmd} in the session and waits for its exit code. */
  static int run(
      SandboxSessionDataPlaneServiceGrpc.SandboxSessionDataPlaneServiceStub data,
      String id,
      String... cmd)
      throws Exception {
    CompletableFuture<Integer> exit = new CompletableFuture<>();
    StreamObserver<SandboxSessionDataPlaneServiceRunRequest> req =
        data.run(
            new StreamObserver<>() {
              @Override
              public void onNext(SandboxSessionDataPlaneServiceRunResponse v) {
                if (v.getFrame().hasExit()) {
                  exit.complete(v.getFrame().getExit().getExitCode());
                }
              }

              @Override
              public void onError(Throwable t) {
                exit.completeExceptionally(t);
              }

              @Override
              public void onCompleted() {}
            });
    RunStart.Builder start = RunStart.newBuilder().setSessionId(id);
    start.addAllCmd(cmd.length == 0 ? List.of("true") : List.of(cmd));
    req.onNext(
        SandboxSessionDataPlaneServiceRunRequest.newBuilder()
            .setFrame(RunRequest.newBuilder().setStart(start))
            .build());
    int code = exit.get(60, TimeUnit.SECONDS);
    req.onCompleted();
    return code;
  }

  /** Writes the benchmark server into the sandbox and starts it on port 3000 in the background. */
  static void writeAndStart(LocalEngine engine, CreateSessionResponse sb, String script)
      throws Exception {
    ManagedChannel ch = InProcessChannelBuilder.forName(engine.inProcessName()).build();
    try {
      Metadata md = new Metadata();
      md.put(CERT, sb.getCredential().getCredential());
      var blocking =
          SandboxSessionDataPlaneServiceGrpc.newBlockingStub(ch)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
      String id = sb.getSession().getId();
      blocking.writeFile(
          SandboxSessionDataPlaneServiceWriteFileRequest.newBuilder()
              .setRequest(
                  WriteFileRequest.newBuilder()
                      .setSessionId(id)
                      .setPath("/home/tenki/bench-http-server.js")
                      .setContent(ByteString.copyFromUtf8(script)))
              .build());
      var async =
          SandboxSessionDataPlaneServiceGrpc.newStub(ch)
              .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md));
      run(
          async,
          id,
          "sh",
          "-c",
          "(node /home/tenki/bench-http-server.js 3000 >/tmp/srv.log 2>&1 &)");
    } finally {
      ch.shutdownNow();
    }
  }
}
