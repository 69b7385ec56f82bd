package cloud.tenki.engine.session;

import cloud.tenki.proto.sandbox.v1.SessionState;
import java.time.Duration;
import java.time.Instant;

/** Decides what the lifetime clock must do to one session at a given instant. */
final class LifetimeRules {

  enum Action {
    NONE,
    EXPIRE,
    IDLE_PAUSE,
    RETENTION_EXPIRED,
    RESTART_INIT
  }

  private LifetimeRules() {}

  /** Call while holding the session's monitor. */
  static Action decide(Session s, Instant now) {
    SessionRecord r = s.record;
    if (r.state == SessionState.SESSION_STATE_RUNNING) {
      if (r.timeoutAt != null && !now.isBefore(r.timeoutAt)) {
        return Action.EXPIRE;
      }
      if (idle(s, now)) {
        return Action.IDLE_PAUSE;
      }
      if (!s.sandbox.running()) {
        return Action.RESTART_INIT;
      }
    } else if (r.state == SessionState.SESSION_STATE_PAUSED
        && r.pauseRetention != null
        && r.pausedAt != null
        && !now.isBefore(r.pausedAt.plus(r.pauseRetention))) {
      return Action.RETENTION_EXPIRED;
    }
    return Action.NONE;
  }

  private static boolean idle(Session s, Instant now) {
    SessionRecord r = s.record;
    if (r.sticky || r.idleTimeoutMinutes == null || r.idleTimeoutMinutes <= 0) {
      return false;
    }
    if (s.activeCalls() > 0 || r.lastActivityAt == null) {
      return false;
    }
    return !now.isBefore(r.lastActivityAt.plus(Duration.ofMinutes(r.idleTimeoutMinutes)));
  }
}
