package cloud.tenki.engine.session;

import cloud.tenki.proto.sandbox.v1.SessionState;
import java.io.IOException;
import java.time.Instant;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The lifetime clock of a {@link SessionManager}: on one background thread it applies expiry, idle
 * pause and pause retention at the injectable clock's current time, restarts sandbox inits that
 * died, and measures disk usage against quotas. Thread-safe; closed with its manager.
 */
final class LifetimeKeeper implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(LifetimeKeeper.class);

  /** How long terminated sessions stay listable (with include_terminated) and gettable. */
  static final java.time.Duration FORGET_TERMINATED_AFTER = java.time.Duration.ofHours(24);

  private final SessionManager manager;
  private final EngineSettings settings;
  private final ScheduledExecutorService ticker;

  LifetimeKeeper(SessionManager manager, EngineSettings settings) {
    this.manager = manager;
    this.settings = settings;
    this.ticker =
        Executors.newSingleThreadScheduledExecutor(
            r -> {
              Thread t = new Thread(r, "tenki-lifetime");
              t.setDaemon(true);
              return t;
            });
    long tick = Math.max(10, settings.lifetimeTick().toMillis());
    ticker.scheduleWithFixedDelay(this::tickSafely, tick, tick, TimeUnit.MILLISECONDS);
    long disk = Math.max(50, settings.diskCheckInterval().toMillis());
    ticker.scheduleWithFixedDelay(this::checkDiskSafely, disk, disk, TimeUnit.MILLISECONDS);
  }

  private void tickSafely() {
    try {
      tick();
    } catch (RuntimeException e) {
      LOG.warn("lifetime check failed", e);
    }
  }

  /** Applies expiry, idle pause and pause retention at the clock's current time. */
  void tick() {
    Instant now = settings.clock().instant();
    manager.forgetTerminated(FORGET_TERMINATED_AFTER);
    manager.credentials().purge();
    for (Session s : manager.sessionsView()) {
      LifetimeRules.Action action;
      synchronized (s) {
        action = LifetimeRules.decide(s, now);
      }
      try {
        switch (action) {
          case EXPIRE -> expire(s, "max_duration reached");
          case IDLE_PAUSE -> pauseIfStillIdle(s, now);
          case RETENTION_EXPIRED -> expire(s, "pause_retention expired");
          case RESTART_INIT -> restartInit(s);
          case NONE -> {}
        }
      } catch (RuntimeException e) {
        LOG.debug("lifetime action {} on {} skipped: {}", action, s.id(), e.getMessage());
      }
    }
  }

  private void expire(Session s, String reason) {
    synchronized (s) {
      if (s.record.state == SessionState.SESSION_STATE_TERMINATED) {
        return;
      }
      manager.changeState(s, SessionState.SESSION_STATE_TERMINATING);
      manager.finishTermination(s, reason);
    }
    LOG.info("session {} terminated: {}", s.id(), reason);
  }

  private void pauseIfStillIdle(Session s, Instant now) {
    synchronized (s) {
      if (LifetimeRules.decide(s, now) == LifetimeRules.Action.IDLE_PAUSE) {
        manager.pause(s.id());
        LOG.info("session {} paused after being idle", s.id());
      }
    }
  }

  private void restartInit(Session s) {
    synchronized (s) {
      if (s.record.state == SessionState.SESSION_STATE_RUNNING && !s.sandbox.running()) {
        try {
          s.sandbox.restart();
          LOG.warn("sandbox of session {} had died; restarted it", s.id());
        } catch (IOException e) {
          LOG.warn("sandbox of session {} died and could not restart: {}", s.id(), e.toString());
        }
      }
    }
  }

  private void checkDiskSafely() {
    try {
      for (Session s : manager.sessionsView()) {
        if (s.state() == SessionState.SESSION_STATE_RUNNING) {
          DiskQuota.check(s);
        }
      }
    } catch (RuntimeException e) {
      LOG.warn("disk check failed", e);
    }
  }

  @Override
  public void close() {
    ticker.shutdownNow();
  }
}
