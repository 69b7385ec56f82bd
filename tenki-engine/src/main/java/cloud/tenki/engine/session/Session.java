package cloud.tenki.engine.session;

import cloud.tenki.engine.sandbox.FileOps;
import cloud.tenki.engine.sandbox.Sandbox;
import cloud.tenki.proto.sandbox.v1.SandboxSession;
import cloud.tenki.proto.sandbox.v1.SessionState;
import com.google.protobuf.Timestamp;
import io.grpc.Status;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * One session: its durable record, its sandbox and who is waiting for its state to change.
 *
 * <p>Thread-safe: the record is guarded by this object's monitor; state transitions are made by
 * {@link SessionManager} while holding it.
 */
public final class Session {

  final SessionRecord record;
  final Sandbox sandbox;
  final FileOps files;
  private final List<Consumer<SandboxSession>> listeners = new CopyOnWriteArrayList<>();
  private final AtomicInteger activeCalls = new AtomicInteger();
  private volatile boolean overDiskQuota;

  Session(SessionRecord record, Sandbox sandbox) {
    this.record = record;
    this.sandbox = sandbox;
    this.files = new FileOps(sandbox);
  }

  /** The session id. */
  public String id() {
    return record.id;
  }

  /** The current state. */
  public synchronized SessionState state() {
    return record.state;
  }

  /** The sandbox behind the session. */
  public Sandbox sandbox() {
    return sandbox;
  }

  /** File operations inside the sandbox. */
  public FileOps files() {
    return files;
  }

  /** Environment variables every command of this session starts with. */
  public synchronized Map<String, String> env() {
    return Map.copyOf(record.env);
  }

  /** The public keys (OpenSSH lines) that may log in over SSH besides engine certificates. */
  public synchronized List<String> sshAuthorizedKeys() {
    return List.copyOf(record.sshAuthorizedKeys);
  }

  /** Whether the last disk check found the sandbox over its quota. */
  public boolean overDiskQuota() {
    return overDiskQuota;
  }

  void overDiskQuota(boolean over) {
    overDiskQuota = over;
  }

  /** Counts a data-plane call in flight (a running command keeps the session from idling). */
  public void enterCall() {
    activeCalls.incrementAndGet();
  }

  /** Ends a call counted by {@link #enterCall()}. */
  public void exitCall() {
    activeCalls.decrementAndGet();
  }

  int activeCalls() {
    return activeCalls.get();
  }

  /**
   * Fails with FAILED_PRECONDITION naming the state unless the session is running; the message
   * format {@code state=NAME} is what official SDKs look for.
   */
  public synchronized void requireRunning() {
    if (record.state != SessionState.SESSION_STATE_RUNNING) {
      throw Status.FAILED_PRECONDITION
          .withDescription(
              "session " + record.id + " is not running (state=" + stateName(record.state) + ")")
          .asRuntimeException();
    }
  }

  static String stateName(SessionState s) {
    return s.name().replace("SESSION_STATE_", "");
  }

  /** Registers a listener for state changes; it receives snapshots. */
  public void addListener(Consumer<SandboxSession> listener) {
    listeners.add(listener);
  }

  /** Removes a listener. */
  public void removeListener(Consumer<SandboxSession> listener) {
    listeners.remove(listener);
  }

  void fireChanged(SandboxSession snapshot) {
    for (Consumer<SandboxSession> l : listeners) {
      l.accept(snapshot);
    }
  }

  /** The wire view of this session, with the engine's own facts added to its metadata. */
  synchronized SandboxSession toProto(Map<String, String> engineMetadata) {
    SessionRecord r = record;
    SandboxSession.Builder b =
        SandboxSession.newBuilder()
            .setId(r.id)
            .setState(r.state)
            .setName(r.name)
            .setOwnerId(r.ownerId)
            .setOwnerType(r.ownerType)
            .setWorkspaceId(r.workspaceId)
            .setProjectId(r.projectId)
            .setCpuCores(r.cpuCores)
            .setMemoryMb(r.memoryMb)
            .setDiskSizeGb(r.diskSizeGb)
            .setInboundEnabled(false)
            .setOutboundEnabled(r.outbound)
            .setSticky(r.sticky)
            .setTerminalError(r.terminalError)
            .setLastResumeError(r.lastResumeError)
            .addAllTags(r.tags)
            .putAllMetadata(r.metadata)
            .putAllMetadata(engineMetadata);
    if (r.createdAt != null) {
      b.setCreatedAt(ts(r.createdAt));
    }
    if (r.readyAt != null) {
      b.setReadyAt(ts(r.readyAt));
    }
    if (r.terminatedAt != null) {
      b.setTerminatedAt(ts(r.terminatedAt));
    }
    if (r.timeoutAt != null) {
      b.setTimeoutAt(ts(r.timeoutAt));
    }
    if (r.lastActivityAt != null) {
      b.setLastActivityAt(ts(r.lastActivityAt));
    }
    if (r.idleTimeoutMinutes != null) {
      b.setIdleTimeoutMinutes(r.idleTimeoutMinutes);
    }
    if (r.pauseRetention != null) {
      b.setPauseRetention(
          com.google.protobuf.Duration.newBuilder()
              .setSeconds(r.pauseRetention.getSeconds())
              .setNanos(r.pauseRetention.getNano()));
    }
    if (r.pausedAt != null) {
      b.setPausedAt(ts(r.pausedAt));
      if (r.pauseRetention != null) {
        b.setPauseExpiresAt(ts(r.pausedAt.plus(r.pauseRetention)));
      }
    }
    return b.build();
  }

  static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
