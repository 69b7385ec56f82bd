package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.Sandbox;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * One sandbox a conversation holds, with the toolkit's bookkeeping: when it was created and when it
 * will end (both on the toolkit's clock), whether it is paused, its background processes and the
 * counters that name spill and code files.
 *
 * <p>Lifecycle changes (pause, resume, extend, drop) happen under the owning {@link Conversation}'s
 * lock; the counters and the process table are safe to use from any thread.
 */
final class LiveSandbox {
  final Sandbox sandbox;
  final Instant createdAt;
  final BackgroundProcesses processes;
  private final AtomicInteger spillSeq = new AtomicInteger();
  private final AtomicInteger codeSeq = new AtomicInteger();
  private final Map<String, Boolean> dirsMade = new ConcurrentHashMap<>();

  /** Ports exposed through this toolkit, for status when the backend cannot list them. */
  final Map<Integer, String> exposedPorts = new ConcurrentHashMap<>();

  // guarded by the conversation's lock; volatile for status reads
  private volatile Instant deadline;
  private volatile Instant pausedAt;
  private volatile DropReason dropped;

  /** Why a sandbox stopped being a conversation's. */
  enum DropReason {
    /** It vanished (terminated, expired, not found): a replacement carries a note. */
    VANISHED,
    /** reset_sandbox, idle close, endConversation or close(): nothing to retry on. */
    CLOSED
  }

  LiveSandbox(Sandbox sandbox, Instant createdAt, Duration lifetime) {
    this.sandbox = sandbox;
    this.createdAt = createdAt;
    this.deadline = createdAt.plus(lifetime);
    this.processes = new BackgroundProcesses();
  }

  Instant deadline() {
    return deadline;
  }

  void extendedBy(Duration more) {
    deadline = deadline.plus(more);
  }

  /** After a probe: the backend's own view of the time left. */
  void resync(Instant now, Duration left) {
    deadline = now.plus(left);
  }

  boolean paused() {
    return pausedAt != null;
  }

  void markPaused(Instant now) {
    pausedAt = now;
  }

  /** A paused sandbox keeps its remaining lifetime across the pause. */
  void markResumed(Instant now) {
    Instant at = pausedAt;
    if (at != null) {
      deadline = deadline.plus(Duration.between(at, now));
      pausedAt = null;
    }
  }

  DropReason dropped() {
    return dropped;
  }

  void markDropped(DropReason why) {
    if (dropped == null) {
      dropped = why;
    }
  }

  /** The next spill file number. */
  int nextSpill() {
    return spillSeq.incrementAndGet();
  }

  /** The next code file number. */
  int nextCode() {
    return codeSeq.incrementAndGet();
  }

  /** Creates {@code dir} once per sandbox (later calls know it exists). */
  void ensureDir(String dir) {
    if (dirsMade.containsKey(dir)) {
      return;
    }
    sandbox.fs().mkdir(dir);
    dirsMade.put(dir, Boolean.TRUE);
  }

  /** Forgets that {@code dir} exists (after a failure that suggests it was removed). */
  void forgetDir(String dir) {
    dirsMade.remove(dir);
  }

  /** Stops the background processes and terminates the sandbox; never throws. */
  void close() {
    processes.closeAll();
    sandbox.close();
  }
}
