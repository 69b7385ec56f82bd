package cloud.tenki.benchmarks.core;

import cloud.tenki.proto.sandbox.v1.CreateSessionCredentialRequest;
import cloud.tenki.proto.sandbox.v1.CreateSessionCredentialResponse;
import cloud.tenki.proto.sandbox.v1.RunRequest;
import cloud.tenki.proto.sandbox.v1.RunResponse;
import cloud.tenki.proto.sandbox.v1.RunStart;
import cloud.tenki.proto.sandbox.v1.SandboxServiceGrpc;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceGrpc;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceRunResponse;
import io.grpc.Channel;
import io.grpc.ClientInterceptors;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.net.URI;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

/**
 * The baseline: the same Run calls made with the generated stubs alone (automatic flow control, no
 * SDK), against the same session, so the SDK's own cost shows as a ratio.
 */
final class RawGrpc implements AutoCloseable {
  private final ManagedChannel control;
  private final ManagedChannel data;
  private final Channel dataWithCert;
  private final String sessionId;

  RawGrpc(String endpoint, String token, String sessionId) {
    URI api = URI.create(endpoint);
    boolean tls = api.getScheme().equals("https");
    this.control = channel(api.getHost(), port(api, tls), tls);
    this.sessionId = sessionId;
    Metadata auth = new Metadata();
    auth.put(Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER), "Bearer " + token);
    CreateSessionCredentialResponse cred =
        SandboxServiceGrpc.newBlockingStub(
                ClientInterceptors.intercept(
                    control, MetadataUtils.newAttachHeadersInterceptor(auth)))
            .createSessionCredential(
                CreateSessionCredentialRequest.newBuilder().setSessionId(sessionId).build());
    String dp = cred.getDataPlaneEndpoint();
    URI d = URI.create(dp.contains("://") ? dp : (tls ? "https://" : "http://") + dp);
    boolean dtls = d.getScheme().equals("https");
    this.data = channel(d.getHost(), port(d, dtls), dtls);
    Metadata cert = new Metadata();
    cert.put(
        Metadata.Key.of("x-tenki-session-cert", Metadata.ASCII_STRING_MARSHALLER),
        cred.getCredential().getCredential());
    this.dataWithCert =
        ClientInterceptors.intercept(data, MetadataUtils.newAttachHeadersInterceptor(cert));
  }

  private static int port(URI u, boolean tls) {
    return u.getPort() > 0 ? u.getPort() : tls ? 443 : 80;
  }

  private static ManagedChannel channel(String host, int port, boolean tls) {
    NettyChannelBuilder b =
        NettyChannelBuilder.forAddress(host, port).maxInboundMessageSize(64 << 20);
    return (tls ? b.useTransportSecurity() : b.usePlaintext()).build();
  }

  /** Runs argv to its exit; returns the number of stdout bytes seen. */
  long run(List<String> argv) throws Exception {
    AtomicLong bytes = new AtomicLong();
    CompletableFuture<Void> done = new CompletableFuture<>();
    StreamObserver<SandboxSessionDataPlaneServiceRunRequest> req =
        SandboxSessionDataPlaneServiceGrpc.newStub(dataWithCert)
            .run(
                new StreamObserver<>() {
                  @Override
                  public void onNext(SandboxSessionDataPlaneServiceRunResponse v) {
                    RunResponse f = v.getFrame();
                    if (f.hasExit()) {
                      done.complete(null);
                    } else if (f.getPayloadCase() == RunResponse.PayloadCase.STDOUT) {
                      bytes.addAndGet(f.getStdout().size());
                    }
                  }

                  @Override
                  public void onError(Throwable t) {
                    done.completeExceptionally(t);
                  }

                  @Override
                  public void onCompleted() {
                    done.complete(null);
                  }
                });
    req.onNext(
        SandboxSessionDataPlaneServiceRunRequest.newBuilder()
            .setFrame(
                RunRequest.newBuilder()
                    .setStart(RunStart.newBuilder().setSessionId(sessionId).addAllCmd(argv)))
            .build());
    done.get(10, TimeUnit.MINUTES);
    req.onCompleted();
    return bytes.get();
  }

  @Override
  public void close() {
    control.shutdownNow();
    data.shutdownNow();
  }
}
