package cloud.tenki.engine;

import cloud.tenki.proto.sandbox.v1.*;
import com.google.protobuf.ByteString;
import io.grpc.ClientInterceptor;
import io.grpc.ManagedChannel;
import io.grpc.Metadata;
import io.grpc.inprocess.InProcessChannelBuilder;
import io.grpc.netty.shaded.io.grpc.netty.NettyChannelBuilder;
import io.grpc.stub.MetadataUtils;
import io.grpc.stub.StreamObserver;
import java.io.ByteArrayOutputStream;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;

/**
 * A test client that talks to an engine over the real wire with the generated stubs, the way an SDK
 * does: Bearer on the control plane, the session credential on the data plane.
 */
final class EngineClient implements AutoCloseable {

  static final Metadata.Key<String> AUTH =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  static final Metadata.Key<String> CERT =
      Metadata.Key.of("x-tenki-session-cert", Metadata.ASCII_STRING_MARSHALLER);

  final ManagedChannel channel;
  final SandboxServiceGrpc.SandboxServiceBlockingStub control;

  EngineClient(String endpoint, String token) {
    this.channel = channel(endpoint);
    Metadata md = new Metadata();
    if (token != null) {
      md.put(AUTH, "Bearer " + token);
    }
    this.control =
        SandboxServiceGrpc.newBlockingStub(channel)
            .withInterceptors(MetadataUtils.newAttachHeadersInterceptor(md))
            .withDeadlineAfter(120, TimeUnit.SECONDS);
  }

  static ManagedChannel channel(String endpoint) {
    if (endpoint.startsWith("inprocess://")) {
      return InProcessChannelBuilder.forName(endpoint.substring("inprocess://".length()))
          .maxInboundMessageSize(64 * 1024 * 1024)
          .build();
    }
    URI u = URI.create(endpoint);
    return NettyChannelBuilder.forAddress(u.getHost(), u.getPort())
        .usePlaintext()
        .maxInboundMessageSize(64 * 1024 * 1024)
        .build();
  }

  /** A data-plane view of one session. */
  final class Sandbox {
    final String id;
    final String credential;
    final SandboxSessionDataPlaneServiceGrpc.SandboxSessionDataPlaneServiceBlockingStub data;
    final SandboxSessionDataPlaneServiceGrpc.SandboxSessionDataPlaneServiceStub async;
    final CreateSessionResponse created;

    Sandbox(CreateSessionResponse created) {
      this.created = created;
      this.id = created.getSession().getId();
      this.credential = created.getCredential().getCredential();
      ClientInterceptor cert = certInterceptor(credential);
      this.data =
          SandboxSessionDataPlaneServiceGrpc.newBlockingStub(channel)
              .withInterceptors(cert)
              .withDeadlineAfter(120, TimeUnit.SECONDS);
      this.async = SandboxSessionDataPlaneServiceGrpc.newStub(channel).withInterceptors(cert);
    }

    RunResult run(String... cmd) throws Exception {
      return run(RunStart.newBuilder().addAllCmd(List.of(cmd)), null);
    }

    RunResult run(RunStart.Builder start, byte[] stdin) throws Exception {
      start.setSessionId(id);
      CollectingObserver obs = new CollectingObserver();
      StreamObserver<SandboxSessionDataPlaneServiceRunRequest> req = async.run(obs);
      req.onNext(runFrame(RunRequest.newBuilder().setStart(start).build()));
      if (stdin != null) {
        req.onNext(runFrame(RunRequest.newBuilder().setStdin(ByteString.copyFrom(stdin)).build()));
        req.onNext(runFrame(RunRequest.newBuilder().setStdinClose(true).build()));
      }
      RunResult r = obs.done.get(120, TimeUnit.SECONDS);
      req.onCompleted();
      return r;
    }

    /** Starts {@code cmd} with its stream left open, for tests that signal or cancel it. */
    LiveRun start(String... cmd) {
      CollectingObserver obs = new CollectingObserver();
      StreamObserver<SandboxSessionDataPlaneServiceRunRequest> req = async.run(obs);
      req.onNext(
          runFrame(
              RunRequest.newBuilder()
                  .setStart(RunStart.newBuilder().setSessionId(id).addAllCmd(List.of(cmd)))
                  .build()));
      return new LiveRun(obs, req);
    }

    StatResponse stat(String path) {
      return data.stat(
              SandboxSessionDataPlaneServiceStatRequest.newBuilder()
                  .setRequest(StatRequest.newBuilder().setSessionId(id).setPath(path))
                  .build())
          .getResponse();
    }

    byte[] read(String path) {
      return data.readFile(
              SandboxSessionDataPlaneServiceReadFileRequest.newBuilder()
                  .setRequest(ReadFileRequest.newBuilder().setSessionId(id).setPath(path))
                  .build())
          .getResponse()
          .getContent()
          .toByteArray();
    }

    String readText(String path) {
      return new String(read(path), StandardCharsets.UTF_8);
    }

    WriteFileResponse write(String path, String content) {
      return data.writeFile(
              SandboxSessionDataPlaneServiceWriteFileRequest.newBuilder()
                  .setRequest(
                      WriteFileRequest.newBuilder()
                          .setSessionId(id)
                          .setPath(path)
                          .setContent(ByteString.copyFromUtf8(content)))
                  .build())
          .getResponse();
    }

    List<ListEntry> list(String path, boolean hidden) {
      return data.list(
              SandboxSessionDataPlaneServiceListRequest.newBuilder()
                  .setRequest(
                      ListRequest.newBuilder()
                          .setSessionId(id)
                          .setPath(path)
                          .setIncludeHidden(hidden))
                  .build())
          .getResponse()
          .getEntriesList();
    }

    MkdirResponse mkdir(String path, int mode, boolean recursive) {
      return data.mkdir(
              SandboxSessionDataPlaneServiceMkdirRequest.newBuilder()
                  .setRequest(
                      MkdirRequest.newBuilder()
                          .setSessionId(id)
                          .setPath(path)
                          .setMode(mode)
                          .setRecursive(recursive))
                  .build())
          .getResponse();
    }

    RemoveResponse remove(String path, boolean recursive) {
      return data.remove(
              SandboxSessionDataPlaneServiceRemoveRequest.newBuilder()
                  .setRequest(
                      RemoveRequest.newBuilder()
                          .setSessionId(id)
                          .setPath(path)
                          .setRecursive(recursive))
                  .build())
          .getResponse();
    }

    SandboxSession terminate() {
      return control
          .terminateSession(TerminateSessionRequest.newBuilder().setSessionId(id).build())
          .getSession();
    }
  }

  Sandbox create() {
    return create(CreateSessionRequest.newBuilder());
  }

  Sandbox create(CreateSessionRequest.Builder req) {
    return new Sandbox(control.createSession(req.setWaitReady(true).build()));
  }

  SandboxSession get(String id) {
    return control.getSession(GetSessionRequest.newBuilder().setSessionId(id).build()).getSession();
  }

  static ClientInterceptor certInterceptor(String credential) {
    Metadata md = new Metadata();
    md.put(CERT, credential);
    return MetadataUtils.newAttachHeadersInterceptor(md);
  }

  static SandboxSessionDataPlaneServiceRunRequest runFrame(RunRequest r) {
    return SandboxSessionDataPlaneServiceRunRequest.newBuilder().setFrame(r).build();
  }

  /** A Run stream still open: its collected output and the request side. */
  record LiveRun(
      CollectingObserver obs, StreamObserver<SandboxSessionDataPlaneServiceRunRequest> req) {
    /** Waits until the command has printed something, or {@code seconds} have passed. */
    void awaitOutput(long seconds) {
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
      while (obs.out.size() == 0 && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(1));
      }
    }

    void signal(RunSignal.Sig sig) {
      req.onNext(
          runFrame(
              RunRequest.newBuilder().setSignal(RunSignal.newBuilder().setSignal(sig)).build()));
    }

    RunResult result(long seconds) throws Exception {
      return obs.done.get(seconds, TimeUnit.SECONDS);
    }
  }

  /** The outcome of one Run stream. */
  record RunResult(List<RunResponse> frames, byte[] stdout, byte[] stderr, RunExit exit) {
    String out() {
      return new String(stdout, StandardCharsets.UTF_8);
    }

    String err() {
      return new String(stderr, StandardCharsets.UTF_8);
    }

    int code() {
      return exit.getExitCode();
    }
  }

  static final class CollectingObserver
      implements StreamObserver<SandboxSessionDataPlaneServiceRunResponse> {
    final List<RunResponse> frames = new ArrayList<>();
    final ByteArrayOutputStream out = new ByteArrayOutputStream();
    final ByteArrayOutputStream err = new ByteArrayOutputStream();
    final CompletableFuture<RunResult> done = new CompletableFuture<>();
    RunExit exit;

    @Override
    public synchronized void onNext(SandboxSessionDataPlaneServiceRunResponse value) {
      RunResponse f = value.getFrame();
      frames.add(f);
      switch (f.getPayloadCase()) {
        case STDOUT -> out.writeBytes(f.getStdout().toByteArray());
        case STDERR -> err.writeBytes(f.getStderr().toByteArray());
        case EXIT -> exit = f.getExit();
        default -> {}
      }
    }

    @Override
    public synchronized void onError(Throwable t) {
      done.completeExceptionally(t);
    }

    @Override
    public synchronized void onCompleted() {
      done.complete(new RunResult(List.copyOf(frames), out.toByteArray(), err.toByteArray(), exit));
    }
  }

  @Override
  public void close() {
    channel.shutdownNow();
  }
}
