package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.SandboxInfo;
import cloud.tenki.sandbox.TenkiException;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Every conversation of a toolkit and the sandboxes they hold: the cap on running sandboxes,
 * creation, keep-alive extension, pausing and closing, and the idle sweeper.
 *
 * <p>The sweeper runs on one daemon thread every {@link #sweepPeriod} of real time, but judges
 * idleness by the configured clock, so tests move time by hand and only wait for the next sweep.
 */
final class Conversations implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Conversations.class);

  /** Conversations without a sandbox are forgotten after this long unused. */
  static final Duration FORGET_AFTER = Duration.ofDays(1);

  private final Settings settings;
  private final Map<String, Conversation> byKey = new ConcurrentHashMap<>();
  private final Set<String> sandboxIds = ConcurrentHashMap.newKeySet();
  private final Object slots = new Object();
  private final ScheduledExecutorService sweeper;
  private int running; // guarded by slots
  private volatile boolean closed;

  Conversations(Settings settings) {
    this.settings = settings;
    this.sweeper =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tenki-toolkit-idle");
              t.setDaemon(true);
              return t;
            });
    long period = sweepPeriod(settings.idleTimeout()).toMillis();
    sweeper.scheduleWithFixedDelay(this::sweep, period, period, TimeUnit.MILLISECONDS);
  }

  /** A quarter of the idle timeout, between 50 ms and 1 s of real time. */
  static Duration sweepPeriod(Duration idleTimeout) {
    long ms = Math.max(50, Math.min(1000, idleTimeout.toMillis() / 4));
    return Duration.ofMillis(ms);
  }

  Conversation get(String key) {
    return byKey.computeIfAbsent(key, k -> new Conversation(this));
  }

  Conversation peek(String key) {
    return byKey.get(key);
  }

  void end(String key) {
    Conversation c = byKey.remove(key);
    if (c != null) {
      c.end();
    }
  }

  Instant now() {
    return settings.clock().instant();
  }

  /** The wall clock, to compare with the backend's timestamps. */
  Instant wallNow() {
    return Instant.now();
  }

  boolean isClosed() {
    return closed;
  }

  void checkOpen() {
    if (closed) {
      throw new ToolFailure("The sandbox tools are shutting down; no sandbox can be started.");
    }
  }

  /** Ids of every sandbox created here, to keep them out of messages. */
  Set<String> sandboxIds() {
    return sandboxIds;
  }

  String failure(String what, TenkiException e) {
    return Messages.backendFailure(what, e, sandboxIds, settings.canRestart());
  }

  /** Creates a sandbox from the template, within the cap. */
  LiveSandbox create() {
    reserve();
    Sandbox sb;
    try {
      sb = settings.client().sandboxes().create(settings.template().toCreateOptions());
    } catch (TenkiException e) {
      releaseSlot();
      throw new ToolFailure(failure("start a sandbox", e));
    } catch (RuntimeException e) {
      releaseSlot();
      throw e;
    }
    sandboxIds.add(sb.id());
    return new LiveSandbox(sb, now(), settings.template().lifetime());
  }

  private void reserve() {
    synchronized (slots) {
      if (running >= settings.maxSandboxes()) {
        throw new ToolFailure(
            "Sandbox limit reached: this application runs at most "
                + settings.maxSandboxes()
                + (settings.maxSandboxes() == 1 ? " sandbox" : " sandboxes")
                + " at a time and all are in use by other conversations. Try again in a few"
                + " minutes, or tell the user that no sandbox is available right now.");
      }
      running++;
    }
  }

  void reserveForResume() {
    reserve();
  }

  void releaseSlot() {
    synchronized (slots) {
      running--;
    }
  }

  /** How many sandboxes run (are not paused or closed) right now. */
  int running() {
    synchronized (slots) {
      return running;
    }
  }

  /** Terminates a dropped sandbox and frees its slot (a paused one holds none). */
  void close(LiveSandbox s) {
    boolean paused = s.paused();
    try {
      s.close();
    } finally {
      if (!paused) {
        releaseSlot();
      }
    }
  }

  /** Pauses an idle sandbox; false if the backend refused (it is then closed instead). */
  boolean pause(LiveSandbox s) {
    try {
      pauseNow(s, "the sandbox was closed");
    } catch (TenkiException e) {
      log.warn("could not pause an idle sandbox, closing it: {}", e.code());
      return false;
    }
    return true;
  }

  /**
   * Stops {@code s}'s background processes, recording {@code why}, and pauses it, which releases
   * its slot.
   *
   * @throws TenkiException when the backend refused to pause it
   */
  void pauseNow(LiveSandbox s, String why) {
    s.processes.markAllStopped(why);
    s.sandbox.pause();
    s.markPaused(now());
    releaseSlot();
  }

  /**
   * Extends {@code s} when its end is near: so that at least {@code callTime} plus a margin, and
   * normally a whole template lifetime, remains, never beyond the maximum lifetime.
   */
  void keepAlive(LiveSandbox s, Duration callTime, List<String> notes) {
    Instant now = now();
    Duration need = callTime.plus(Duration.ofMinutes(2));
    Duration lifetime = settings.template().lifetime();
    Duration threshold = max(need, lifetime.dividedBy(4));
    Duration left = Duration.between(now, s.deadline());
    if (left.compareTo(threshold) >= 0) {
      return;
    }
    Instant cap = s.createdAt.plus(settings.maxLifetime());
    Instant target = min(now.plus(max(need, lifetime)), cap);
    Duration more = Duration.between(s.deadline(), target);
    if (more.toSeconds() >= 1) {
      try {
        SandboxInfo info = s.sandbox.extend(more);
        s.extendedBy(more);
        log.debug("extended a sandbox by {} (now {})", more, info.state());
      } catch (TenkiException e) {
        log.warn("could not extend a sandbox: {}", e.code());
      }
    }
    Duration remaining = Duration.between(now, s.deadline());
    if (remaining.compareTo(need) < 0) {
      notes.add(Notes.lifetimeEnding(remaining));
    }
  }

  private void sweep() {
    try {
      Instant now = now();
      for (Map.Entry<String, Conversation> e : byKey.entrySet()) {
        if (closed) {
          return;
        }
        boolean forget =
            e.getValue().sweep(now, settings.idleTimeout(), settings.idleAction(), FORGET_AFTER);
        if (forget) {
          byKey.remove(e.getKey(), e.getValue());
        }
      }
    } catch (RuntimeException e) {
      log.warn("idle sweep failed: {}", e.toString());
    }
  }

  /** Ends every conversation; idempotent. */
  @Override
  public void close() {
    closed = true;
    sweeper.shutdownNow();
    for (String key : List.copyOf(byKey.keySet())) {
      end(key);
    }
  }

  static Duration max(Duration a, Duration b) {
    return a.compareTo(b) >= 0 ? a : b;
  }

  static Instant min(Instant a, Instant b) {
    return a.isBefore(b) ? a : b;
  }
}
