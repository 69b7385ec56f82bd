package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.NotFoundException;
import cloud.tenki.sandbox.SandboxInfo;
import cloud.tenki.sandbox.SandboxState;
import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.agent.LiveSandbox.DropReason;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.ReentrantLock;

/**
 * One conversation's hold on its sandbox: created lazily on the first call that needs one, reused,
 * resumed when paused, replaced (with a note) when it vanished, paused or closed when idle.
 *
 * <p>Every lifecycle change happens under one lock, so concurrent calls of one conversation create
 * exactly one sandbox; tools then run concurrently on it outside the lock.
 */
final class Conversation {
  private final Conversations owner;
  private final ReentrantLock lock = new ReentrantLock();
  final AtomicInteger processSeq = new AtomicInteger();
  // guarded by lock
  private LiveSandbox current;
  private int inFlight;
  private Instant lastUsed;
  private String pendingNote;
  private boolean ended;

  Conversation(Conversations owner) {
    this.owner = owner;
    this.lastUsed = owner.now();
  }

  /** The sandbox as it is now, without creating or resuming anything (may be null). */
  LiveSandbox peek() {
    lock.lock();
    try {
      return current;
    } finally {
      lock.unlock();
    }
  }

  /**
   * The conversation's sandbox, ready for a call that may run for {@code callTime}: created,
   * resumed or replaced as needed, its lifetime extended when its end is near.
   *
   * @throws ToolFailure when no sandbox can be had (limit reached, backend failure, shut down)
   */
  Lease acquire(Duration callTime) {
    lock.lock();
    try {
      if (ended) {
        throw new ToolFailure("This conversation has ended; its sandbox is closed.");
      }
      owner.checkOpen();
      List<String> notes = new ArrayList<>();
      if (current != null && current.paused()) {
        resume(notes);
      }
      if (current != null && !owner.now().isBefore(current.deadline()) && isGone(current)) {
        drop(DropReason.VANISHED);
        notes.add(Notes.LOST);
      }
      if (current == null) {
        current = owner.create();
        if (pendingNote != null) {
          notes.add(pendingNote);
        }
      }
      pendingNote = null;
      owner.keepAlive(current, callTime, notes);
      inFlight++;
      return new Lease(this, current, notes);
    } finally {
      lock.unlock();
    }
  }

  /**
   * Why the conversation has no sandbox now although it had one (for sandbox_status), or null: the
   * note the next call that creates a sandbox will carry.
   */
  String endedNote() {
    lock.lock();
    try {
      return current == null ? pendingNote : null;
    } finally {
      lock.unlock();
    }
  }

  /**
   * A lease on the sandbox as it is (paused or not), or null when there is none; nothing is created
   * or resumed. For calls that only look at what the toolkit holds (background processes).
   */
  Lease acquireExisting() {
    lock.lock();
    try {
      if (current == null || ended) {
        return null;
      }
      inFlight++;
      return new Lease(this, current, List.of());
    } finally {
      lock.unlock();
    }
  }

  void release() {
    lock.lock();
    try {
      inFlight--;
      lastUsed = owner.now();
    } finally {
      lock.unlock();
    }
  }

  /**
   * After {@code e} failed a call on {@code lease}'s sandbox before the call changed anything: when
   * the sandbox vanished or was paused behind the toolkit's back, points the lease at a usable
   * sandbox (with a note) and returns true, so the call can be retried once.
   */
  boolean recover(Lease lease, TenkiException e) {
    lock.lock();
    try {
      LiveSandbox failed = lease.live();
      if (ended || owner.isClosed()) {
        return false;
      }
      if (failed != current) {
        if (failed.dropped() == DropReason.VANISHED && current != null && !current.paused()) {
          lease.switchTo(current, Notes.LOST);
          return true;
        }
        return false;
      }
      Probe p = probe(failed);
      if (p == Probe.PAUSED) {
        // paused by the backend: it holds no slot any more; resuming takes one again
        failed.markPaused(owner.now());
        owner.releaseSlot();
        List<String> notes = new ArrayList<>();
        resume(notes);
        if (current == null) {
          current = owner.create();
        }
        lease.switchTo(current, notes.isEmpty() ? null : notes.get(0));
        return true;
      }
      if (p == Probe.GONE) {
        drop(DropReason.VANISHED);
        current = owner.create();
        lease.switchTo(current, Notes.LOST);
        return true;
      }
      return false;
    } finally {
      lock.unlock();
    }
  }

  /**
   * After {@code e} failed a call midway: when the sandbox turns out to be gone, forgets it so the
   * next call starts a new one with a note, and returns what to tell the model; else "".
   */
  String afterFailure(LiveSandbox failed) {
    lock.lock();
    try {
      if (failed != current || probe(failed) != Probe.GONE) {
        return "";
      }
      drop(DropReason.VANISHED);
      pendingNote = Notes.LOST;
      return Notes.LOST_DURING_CALL;
    } finally {
      lock.unlock();
    }
  }

  /**
   * Ends every process of the sandbox and keeps its files (restart_sandbox) by pausing and resuming
   * it. Returns the running sandbox, or null when the conversation has none (then nothing is
   * created; a sandbox found gone is forgotten with a note for the next call).
   */
  LiveSandbox restart() {
    lock.lock();
    try {
      if (ended) {
        throw new ToolFailure("This conversation has ended; its sandbox is closed.");
      }
      owner.checkOpen();
      LiveSandbox s = current;
      if (s == null) {
        return null;
      }
      if (!s.paused()) {
        try {
          owner.pauseNow(s, "the sandbox was restarted");
        } catch (TenkiException e) {
          if (e instanceof NotFoundException || probe(s) == Probe.GONE) {
            drop(DropReason.VANISHED);
            pendingNote = Notes.LOST;
            return null;
          }
          throw new ToolFailure(owner.failure("restart the sandbox", e));
        }
      }
      List<String> notes = new ArrayList<>();
      resume(notes);
      if (current == null) {
        pendingNote = Notes.LOST;
      }
      return current;
    } finally {
      lock.unlock();
    }
  }

  /** Replaces the sandbox with a fresh one (reset_sandbox). */
  LiveSandbox reset() {
    lock.lock();
    try {
      if (ended) {
        throw new ToolFailure("This conversation has ended; its sandbox is closed.");
      }
      owner.checkOpen();
      if (current != null) {
        drop(DropReason.CLOSED);
      }
      pendingNote = null;
      current = owner.create();
      return current;
    } finally {
      lock.unlock();
    }
  }

  /** Closes the sandbox for good; later calls on this object fail. */
  void end() {
    lock.lock();
    try {
      ended = true;
      if (current != null) {
        drop(DropReason.CLOSED);
      }
    } finally {
      lock.unlock();
    }
  }

  /**
   * Applies the idle policy if the conversation is idle; returns whether this conversation holds
   * nothing any more and has been unused for {@code forgetAfter} (so the registry may drop it).
   */
  boolean sweep(Instant now, Duration idleTimeout, IdleAction action, Duration forgetAfter) {
    try {
      if (!lock.tryLock(0, TimeUnit.MILLISECONDS)) {
        return false; // busy: a lifecycle change is under way, so it is not idle
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return false;
    }
    try {
      if (inFlight > 0 || ended) {
        return false;
      }
      boolean idle = !now.isBefore(lastUsed.plus(idleTimeout));
      if (current != null && idle && !current.paused() && servedRecently(now, idleTimeout)) {
        return false;
      }
      if (current != null && idle && !current.paused()) {
        if (action == IdleAction.PAUSE && owner.pause(current)) {
          return false;
        }
        drop(DropReason.CLOSED);
        pendingNote = Notes.idleClosed(idleTimeout);
      }
      return current == null && !now.isBefore(lastUsed.plus(forgetAfter));
    } finally {
      lock.unlock();
    }
  }

  /**
   * Whether the sandbox, idle as far as tool calls go, has exposed ports that were used within
   * {@code idleTimeout} (someone is looking at a preview): the backend's last activity counts as
   * use then. Only asked when ports are exposed; a sandbox that cannot tell counts as unused.
   */
  private boolean servedRecently(Instant now, Duration idleTimeout) {
    if (current.exposedPorts.isEmpty()) {
      return false;
    }
    try {
      Instant active = current.sandbox.info().lastActivityAt().orElse(null);
      if (active != null && now.isBefore(active.plus(idleTimeout)) && active.isAfter(lastUsed)) {
        lastUsed = active;
        return true;
      }
    } catch (RuntimeException e) {
      // gone or unreachable: the idle policy applies
    }
    return false;
  }

  private void resume(List<String> notes) {
    LiveSandbox s = current;
    owner.reserveForResume();
    try {
      s.sandbox.resume();
    } catch (NotFoundException gone) {
      owner.releaseSlot();
      drop(DropReason.VANISHED);
      notes.add(Notes.LOST);
      return;
    } catch (TenkiException e) {
      owner.releaseSlot();
      if (probe(s) == Probe.GONE) {
        drop(DropReason.VANISHED);
        notes.add(Notes.LOST);
        return;
      }
      throw new ToolFailure(owner.failure("resume the paused sandbox", e));
    }
    s.markResumed(owner.now());
    s.processes.markAllStopped("the sandbox was paused");
    notes.add(Notes.RESUMED);
  }

  /** Terminates and forgets the current sandbox (slot released by the registry). */
  private void drop(DropReason why) {
    LiveSandbox s = current;
    current = null;
    s.markDropped(why);
    owner.close(s);
  }

  private enum Probe {
    RUNNING,
    PAUSED,
    GONE,
    UNKNOWN
  }

  private boolean isGone(LiveSandbox s) {
    return probe(s) == Probe.GONE;
  }

  /** Asks the backend what became of {@code s}; resyncs its deadline while at it. */
  private Probe probe(LiveSandbox s) {
    SandboxInfo info;
    try {
      info = s.sandbox.info();
    } catch (NotFoundException e) {
      return Probe.GONE;
    } catch (TenkiException e) {
      return Probe.UNKNOWN;
    }
    SandboxState st = info.state();
    if (st.isTerminal() || st == SandboxState.TERMINATING) {
      return Probe.GONE;
    }
    if (st == SandboxState.PAUSED || st == SandboxState.PAUSING) {
      return Probe.PAUSED;
    }
    info.timeoutAt().ifPresent(t -> s.resync(owner.now(), Duration.between(owner.wallNow(), t)));
    return st == SandboxState.RUNNING ? Probe.RUNNING : Probe.UNKNOWN;
  }
}
