package cloud.tenki.engine.service;

import cloud.tenki.engine.memory.Account;
import cloud.tenki.engine.memory.MemoryBudget;
import cloud.tenki.engine.sandbox.FileOps;
import cloud.tenki.engine.sandbox.WholeFileRead;
import cloud.tenki.engine.session.Session;
import cloud.tenki.engine.session.SessionManager;
import cloud.tenki.proto.sandbox.v1.*;
import com.google.protobuf.ByteString;
import io.grpc.Context;
import io.grpc.Status;
import io.grpc.stub.ServerCallStreamObserver;
import io.grpc.stub.StreamObserver;
import java.util.concurrent.ScheduledExecutorService;

/**
 * The data plane: processes and files of one session, authenticated by the session credential on
 * every call. Thread-safe.
 */
public final class DataPlaneService
    extends SandboxSessionDataPlaneServiceGrpc.SandboxSessionDataPlaneServiceImplBase {

  /** Largest file ReadFile returns whole; bigger files need ReadFileStream. */
  public static final int MAX_WHOLE_FILE = 48 * 1024 * 1024;

  private final SessionManager sessions;
  private final ScheduledExecutorService timers;

  public DataPlaneService(SessionManager sessions, ScheduledExecutorService timers) {
    this.sessions = sessions;
    this.timers = timers;
  }

  /** Checks the credential and state, records activity, returns the session. */
  Session authorize(String sessionId) {
    return authorize(sessionId, DataPlaneAuth.CREDENTIAL.get());
  }

  /** Same, with a credential captured earlier on the call's own thread. */
  Session authorize(String sessionId, String credential) {
    sessions.credentials().check(credential, sessionId);
    Session s = sessions.get(sessionId);
    s.requireRunning();
    sessions.touch(s);
    return s;
  }

  @Override
  public StreamObserver<SandboxSessionDataPlaneServiceRunRequest> run(
      StreamObserver<SandboxSessionDataPlaneServiceRunResponse> out) {
    return new RunCall(
        (ServerCallStreamObserver<SandboxSessionDataPlaneServiceRunResponse>) out,
        sessions,
        timers,
        DataPlaneAuth.CREDENTIAL.get());
  }

  @Override
  public void stat(
      SandboxSessionDataPlaneServiceStatRequest req,
      StreamObserver<SandboxSessionDataPlaneServiceStatResponse> out) {
    Calls.unary(
        out,
        () -> {
          StatRequest r = req.getRequest();
          Session s = authorize(r.getSessionId());
          StatResponse st = s.files().stat(FileOps.resolve(r.getPath()));
          return SandboxSessionDataPlaneServiceStatResponse.newBuilder().setResponse(st).build();
        });
  }

  @Override
  public void list(
      SandboxSessionDataPlaneServiceListRequest req,
      StreamObserver<SandboxSessionDataPlaneServiceListResponse> out) {
    Calls.unary(
        out,
        () -> {
          ListRequest r = req.getRequest();
          Session s = authorize(r.getSessionId());
          var entries =
              s.files().list(FileOps.resolve(r.getPath()), r.getIncludeHidden(), replyRoom());
          return SandboxSessionDataPlaneServiceListResponse.newBuilder()
              .setResponse(ListResponse.newBuilder().addAllEntries(entries))
              .build();
        });
  }

  @Override
  public void readFile(
      SandboxSessionDataPlaneServiceReadFileRequest req,
      StreamObserver<SandboxSessionDataPlaneServiceReadFileResponse> out) {
    Calls.unary(
        out,
        () -> {
          ReadFileRequest r = req.getRequest();
          Session s = authorize(r.getSessionId());
          String path = FileOps.resolve(r.getPath());
          ByteString content = s.files().read(path, MAX_WHOLE_FILE, replyRoom());
          return SandboxSessionDataPlaneServiceReadFileResponse.newBuilder()
              .setResponse(ReadFileResponse.newBuilder().setPath(path).setContent(content))
              .build();
        });
  }

  @Override
  public void writeFile(
      SandboxSessionDataPlaneServiceWriteFileRequest req,
      StreamObserver<SandboxSessionDataPlaneServiceWriteFileResponse> out) {
    Calls.unary(
        out,
        () -> {
          WriteFileRequest r = req.getRequest();
          Session s = authorize(r.getSessionId());
          requireDiskRoom(s);
          String path = FileOps.resolve(r.getPath());
          s.files().write(path, r.getContent());
          return SandboxSessionDataPlaneServiceWriteFileResponse.newBuilder()
              .setResponse(
                  WriteFileResponse.newBuilder().setPath(path).setSizeBytes(r.getContent().size()))
              .build();
        });
  }

  /**
   * Room for a large reply (a whole file, a long listing), charged to the call's memory account: it
   * stays charged until the reply has left the engine (the account's owner closes it then), and a
   * wait for room ends when the call is cancelled.
   */
  private static WholeFileRead.Room replyRoom() {
    Account account = MemoryBudget.current();
    if (account == null) {
      return WholeFileRead.Room.ANY;
    }
    Context ctx = Context.current();
    long[] charged = {0};
    return bytes -> {
      if (bytes > charged[0]) {
        account.charge(bytes - charged[0], ctx);
        charged[0] = bytes;
      }
    };
  }

  static void requireDiskRoom(Session s) {
    if (s.overDiskQuota()) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription("sandbox disk quota exceeded: delete files first")
          .asRuntimeException();
    }
  }

  @Override
  public void mkdir(
      SandboxSessionDataPlaneServiceMkdirRequest req,
      StreamObserver<SandboxSessionDataPlaneServiceMkdirResponse> out) {
    Calls.unary(
        out,
        () -> {
          MkdirRequest r = req.getRequest();
          Session s = authorize(r.getSessionId());
          long mtime = s.files().mkdir(FileOps.resolve(r.getPath()), r.getMode(), r.getRecursive());
          return SandboxSessionDataPlaneServiceMkdirResponse.newBuilder()
              .setResponse(MkdirResponse.newBuilder().setModifiedUnixNs(mtime))
              .build();
        });
  }

  @Override
  public void remove(
      SandboxSessionDataPlaneServiceRemoveRequest req,
      StreamObserver<SandboxSessionDataPlaneServiceRemoveResponse> out) {
    Calls.unary(
        out,
        () -> {
          RemoveRequest r = req.getRequest();
          Session s = authorize(r.getSessionId());
          long n = s.files().remove(FileOps.resolve(r.getPath()), r.getRecursive());
          return SandboxSessionDataPlaneServiceRemoveResponse.newBuilder()
              .setResponse(RemoveResponse.newBuilder().setRemoved(n > 0).setEntriesRemoved(n))
              .build();
        });
  }

  @Override
  public void readFileStream(
      SandboxSessionDataPlaneServiceReadFileStreamRequest req,
      StreamObserver<SandboxSessionDataPlaneServiceReadFileStreamResponse> out) {
    new ReadStreamCall(this, req.getRequest(), out).start();
  }

  @Override
  public StreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamRequest> writeFileStream(
      StreamObserver<SandboxSessionDataPlaneServiceWriteFileStreamResponse> out) {
    return new WriteStreamCall(this, out);
  }
}
