package cloud.tenki.engine.session;

import cloud.tenki.engine.sandbox.Limits;
import cloud.tenki.engine.sandbox.NoIsolationLauncher;
import cloud.tenki.engine.sandbox.OutboundNetwork;
import cloud.tenki.engine.sandbox.Rootfs;
import cloud.tenki.engine.sandbox.Sandbox;
import cloud.tenki.proto.sandbox.v1.CreateSessionRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSession;
import cloud.tenki.proto.sandbox.v1.SessionState;
import io.grpc.Status;
import java.io.IOException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Predicate;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Owns every session of one engine: creation, state transitions, lifetime rules and persistence.
 *
 * <p>Thread-safe. Transitions of one session are serialised on that session's monitor; the lifetime
 * clock ticks on one background thread and reads the injectable {@link java.time.Clock}, so tests
 * move time instead of sleeping.
 */
public final class SessionManager implements AutoCloseable {

  private static final Logger LOG = LoggerFactory.getLogger(SessionManager.class);

  private final EngineSettings settings;
  private final SessionStore store;
  private final Credentials credentials;
  private final Map<String, Session> sessions = new ConcurrentHashMap<>();
  private final SandboxUids uids;
  private final LifetimeKeeper keeper;
  private final Map<String, String> engineMetadata;
  private final List<java.util.function.Consumer<String>> terminationListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private final List<java.util.function.Consumer<Session>> startListeners =
      new java.util.concurrent.CopyOnWriteArrayList<>();
  private volatile java.util.function.BiConsumer<Session, CreateSessionRequest> preparer =
      (s, r) -> {};

  /** Loads the sessions found in the state directory and starts the lifetime clock. */
  public SessionManager(EngineSettings settings, Map<String, String> engineMetadata)
      throws IOException {
    this.settings = settings;
    this.engineMetadata = Map.copyOf(engineMetadata);
    this.store = new SessionStore(settings.stateDir());
    this.credentials = new Credentials(settings.clock(), settings.credentialTtl());
    this.uids = new SandboxUids(settings);
    try {
      for (SessionRecord r : store.loadAll()) {
        recover(r);
      }
    } catch (IOException | RuntimeException e) {
      uids.close();
      throw e;
    }
    this.keeper = new LifetimeKeeper(this, settings);
  }

  /** A session that was running when the engine stopped comes back paused and resumable. */
  private void recover(SessionRecord r) throws IOException {
    settings.cgroups().removeStale(r.id);
    if (r.state != SessionState.SESSION_STATE_TERMINATED) {
      int uid = uids.recover(r.id, r.hostUid, store.rootfs(r.id));
      if (uid != r.hostUid) {
        r.hostUid = uid;
        store.save(r);
      }
    }
    if (r.state != SessionState.SESSION_STATE_TERMINATED
        && r.state != SessionState.SESSION_STATE_PAUSED) {
      Instant now = settings.clock().instant();
      r.remainingWhilePaused =
          r.timeoutAt == null ? null : positive(Duration.between(now, r.timeoutAt));
      r.state = SessionState.SESSION_STATE_PAUSED;
      r.pausedAt = now;
      store.save(r);
    }
    sessions.put(r.id, new Session(r, sandboxFor(r)));
  }

  private Sandbox sandboxFor(SessionRecord r) {
    long disk = r.diskSizeGb * 1024L * 1024L * 1024L;
    Limits limits = new Limits(r.cpuCores, r.memoryMb, settings.maxProcesses(), disk);
    return new Sandbox(
        settings.launcher(),
        settings.cgroups(),
        r.id,
        store.rootfs(r.id),
        "tenki-" + r.id.substring(0, 8),
        r.hostUid,
        limits,
        r.outbound && !(settings.launcher() instanceof NoIsolationLauncher));
  }

  /** The data-plane credentials of this engine. */
  public Credentials credentials() {
    return credentials;
  }

  /** The wire view of a session. */
  public SandboxSession view(Session s) {
    return s.toProto(metadataFor(s));
  }

  private Map<String, String> metadataFor(Session s) {
    Map<String, String> m = new LinkedHashMap<>(engineMetadata);
    m.put("tenki.local/network", networkLabel(s.record));
    return m;
  }

  private String networkLabel(SessionRecord r) {
    if (settings.launcher() instanceof NoIsolationLauncher) {
      return "host";
    }
    if (r.outbound) {
      return "outbound-slirp4netns-no-host-loopback";
    }
    return r.outboundRequested
        ? "loopback-only (outbound unavailable: install slirp4netns)"
        : "loopback-only";
  }

  /** Finds a session or fails with NOT_FOUND. */
  public Session get(String id) {
    if (id == null || id.isEmpty()) {
      throw Status.INVALID_ARGUMENT.withDescription("session_id is required").asRuntimeException();
    }
    Session s = sessions.get(id);
    if (s == null) {
      throw Status.NOT_FOUND.withDescription("session not found: " + id).asRuntimeException();
    }
    return s;
  }

  /** Creates a session and starts its sandbox; returns once it runs. */
  public Session create(CreateSessionRequest req) {
    SessionRecord r = CreateValidation.toRecord(req, settings);
    requireCapacity();
    r.id = UUID.randomUUID().toString();
    r.hostUid = uids.lease(r.id, store.rootfs(r.id));
    boolean none = settings.launcher() instanceof NoIsolationLauncher;
    r.outbound = none || r.outboundRequested && settings.outbound() && OutboundNetwork.available();
    Instant now = settings.clock().instant();
    r.createdAt = now;
    r.lastActivityAt = now;
    r.state = SessionState.SESSION_STATE_CREATING;
    Session s = new Session(r, sandboxFor(r));
    sessions.put(r.id, s);
    synchronized (s) {
      store.save(r);
      try {
        preparer.accept(s, req);
      } catch (io.grpc.StatusRuntimeException e) {
        finishTermination(s, "create failed: " + e.getStatus().getDescription());
        throw e;
      }
      try {
        Rootfs.create(
            s.sandbox.rootfs(),
            "tenki-" + r.id.substring(0, 8),
            r.outbound,
            r.hostUid,
            settings.launcher().sandboxUid());
        s.sandbox.start();
        started(s);
      } catch (IOException | RuntimeException e) {
        // the details name host paths and tools: they go to the engine's log, not to clients
        LOG.warn("sandbox {} failed to start: {}", r.id, e.getMessage());
        finishTermination(s, "sandbox failed to start (details in the engine's log)");
        throw Status.UNAVAILABLE
            .withDescription("sandbox failed to start (details in the engine's log)")
            .asRuntimeException();
      }
      Instant ready = settings.clock().instant();
      r.readyAt = ready;
      r.timeoutAt = ready.plus(maxDuration(req));
      changeState(s, SessionState.SESSION_STATE_RUNNING);
    }
    LOG.debug("session {} running ({})", r.id, s.sandbox.isolation());
    return s;
  }

  private Duration maxDuration(CreateSessionRequest req) {
    return req.hasMaxDuration()
        ? CreateValidation.duration(req.getMaxDuration())
        : settings.defaultMaxDuration();
  }

  private synchronized void requireCapacity() {
    long running =
        sessions.values().stream()
            .filter(s -> s.state() != SessionState.SESSION_STATE_PAUSED)
            .filter(s -> s.state() != SessionState.SESSION_STATE_TERMINATED)
            .count();
    if (running >= settings.maxRunningSessions()) {
      throw Status.RESOURCE_EXHAUSTED
          .withDescription(
              "no capacity: this local engine runs at most "
                  + settings.maxRunningSessions()
                  + " sandboxes at once; pause or terminate one")
          .asRuntimeException();
    }
  }

  /** Forgets terminated sessions older than {@code age}: their records leave memory and disk. */
  void forgetTerminated(Duration age) {
    Instant cutoff = settings.clock().instant().minus(age);
    for (Session s : List.copyOf(sessions.values())) {
      synchronized (s) {
        SessionRecord r = s.record;
        if (r.state == SessionState.SESSION_STATE_TERMINATED
            && r.terminatedAt != null
            && r.terminatedAt.isBefore(cutoff)) {
          // Files first: once a lookup answers NOT_FOUND, nothing of the session is left.
          store.delete(r.id);
          sessions.remove(r.id);
        }
      }
    }
  }

  /** Pauses a running session: stops every process, keeps every file. */
  public Session pause(String id) {
    Session s = get(id);
    synchronized (s) {
      SessionState st = s.record.state;
      if (st == SessionState.SESSION_STATE_PAUSED) {
        return s;
      }
      s.requireRunning();
      changeState(s, SessionState.SESSION_STATE_PAUSING);
      s.sandbox.stop();
      Instant now = settings.clock().instant();
      s.record.pausedAt = now;
      s.record.remainingWhilePaused =
          s.record.timeoutAt == null ? null : positive(Duration.between(now, s.record.timeoutAt));
      changeState(s, SessionState.SESSION_STATE_PAUSED);
    }
    return s;
  }

  /** Resumes a paused session with its files intact. */
  public Session resume(String id) {
    Session s = get(id);
    synchronized (s) {
      SessionState st = s.record.state;
      if (st == SessionState.SESSION_STATE_RUNNING) {
        return s;
      }
      if (st != SessionState.SESSION_STATE_PAUSED) {
        throw wrongState(s, "resume");
      }
      changeState(s, SessionState.SESSION_STATE_RESUMING);
      try {
        s.sandbox.start();
        started(s);
      } catch (IOException | RuntimeException e) {
        changeState(s, SessionState.SESSION_STATE_PAUSED);
        LOG.warn("sandbox {} failed to resume: {}", id, e.getMessage());
        s.record.lastResumeError = "sandbox failed to resume (details in the engine's log)";
        changed(s);
        throw Status.UNAVAILABLE
            .withDescription("sandbox failed to resume (details in the engine's log)")
            .asRuntimeException();
      }
      Instant now = settings.clock().instant();
      Duration remaining =
          s.record.remainingWhilePaused == null
              ? settings.defaultMaxDuration()
              : s.record.remainingWhilePaused;
      s.record.timeoutAt = now.plus(remaining);
      s.record.remainingWhilePaused = null;
      s.record.pausedAt = null;
      s.record.lastResumeError = "";
      s.record.lastActivityAt = now;
      changeState(s, SessionState.SESSION_STATE_RUNNING);
    }
    return s;
  }

  /** Terminates a session and deletes its files; terminating a terminated session is a no-op. */
  public Session terminate(String id) {
    Session s = get(id);
    synchronized (s) {
      if (s.record.state != SessionState.SESSION_STATE_TERMINATED) {
        changeState(s, SessionState.SESSION_STATE_TERMINATING);
        finishTermination(s, "");
      }
    }
    return s;
  }

  void finishTermination(Session s, String error) {
    credentials.revoke(s.id());
    s.sandbox.stop();
    try {
      Rootfs.delete(s.sandbox.rootfs());
    } catch (IOException e) {
      LOG.warn("could not delete files of session {}: {}", s.id(), e.toString());
    }
    // its processes are gone and its files too (or, if not, they keep the uid from other trees)
    uids.release(s.id());
    s.record.terminatedAt = settings.clock().instant();
    s.record.terminalError = error;
    changeState(s, SessionState.SESSION_STATE_TERMINATED);
    // outside the session's lock: listeners take their own locks
    String id = s.id();
    cloud.tenki.engine.sandbox.IoThreads.POOL.execute(
        () -> terminationListeners.forEach(l -> l.accept(id)));
  }

  private void started(Session s) {
    for (java.util.function.Consumer<Session> l : startListeners) {
      l.accept(s);
    }
  }

  /**
   * Registers a listener called (under the session's lock) each time a session's sandbox has
   * started, before the session is reported running; it must not call back into this manager.
   */
  public void addStartListener(java.util.function.Consumer<Session> listener) {
    startListeners.add(listener);
  }

  /**
   * Sets what runs for a new session before its sandbox starts (for example recording the volumes
   * the request attaches); a status it throws fails the create.
   */
  public void setCreatePreparer(java.util.function.BiConsumer<Session, CreateSessionRequest> p) {
    this.preparer = p;
  }

  /** Registers a listener told (asynchronously) the id of every session that terminates. */
  public void addTerminationListener(java.util.function.Consumer<String> listener) {
    terminationListeners.add(listener);
  }

  /** Moves the session's deadline later. */
  public Session extend(String id, Duration additional) {
    if (additional.isNegative() || additional.isZero()) {
      throw Status.INVALID_ARGUMENT
          .withDescription("additional_duration must be positive")
          .asRuntimeException();
    }
    Session s = get(id);
    synchronized (s) {
      SessionRecord r = s.record;
      if (r.state == SessionState.SESSION_STATE_PAUSED) {
        r.remainingWhilePaused =
            (r.remainingWhilePaused == null ? Duration.ZERO : r.remainingWhilePaused)
                .plus(additional);
      } else if (r.state == SessionState.SESSION_STATE_RUNNING) {
        r.timeoutAt = r.timeoutAt.plus(additional);
      } else {
        throw wrongState(s, "extend");
      }
      r.lastActivityAt = settings.clock().instant();
      changed(s);
    }
    return s;
  }

  /** Applies an update: name, tags, sticky and max duration. */
  public Session update(
      String id, String name, List<String> tags, boolean clearTags, Boolean sticky, Duration max) {
    Session s = get(id);
    synchronized (s) {
      SessionRecord r = s.record;
      if (r.state == SessionState.SESSION_STATE_TERMINATED) {
        throw wrongState(s, "update");
      }
      if (name != null) {
        r.name = name;
      }
      if (clearTags) {
        r.tags.clear();
      }
      if (!tags.isEmpty()) {
        r.tags = new ArrayList<>(CreateValidation.normalizeTags(tags));
      }
      if (sticky != null) {
        r.sticky = sticky;
      }
      if (max != null && r.readyAt != null) {
        Instant t = r.readyAt.plus(max);
        if (r.state == SessionState.SESSION_STATE_PAUSED) {
          r.remainingWhilePaused = positive(Duration.between(r.pausedAt, t));
        } else {
          r.timeoutAt = t;
        }
      }
      changed(s);
    }
    return s;
  }

  /** Replaces the session's SSH authorized keys. */
  public Session updateSshKeys(String id, List<String> keys) {
    List<String> clean = CreateValidation.sshKeys(keys);
    Session s = get(id);
    synchronized (s) {
      if (s.record.state == SessionState.SESSION_STATE_TERMINATED) {
        throw wrongState(s, "update SSH keys of");
      }
      s.record.sshAuthorizedKeys = new ArrayList<>(clean);
      changed(s);
    }
    return s;
  }

  /** Records activity (a data-plane call or an explicit report); returns its time. */
  public Instant touch(Session s) {
    Instant now = settings.clock().instant();
    synchronized (s) {
      s.record.lastActivityAt = now;
    }
    return now;
  }

  /** Sessions matching a filter, oldest first. */
  public List<Session> list(Predicate<Session> filter) {
    List<Session> out = new ArrayList<>();
    for (Session s : sessions.values()) {
      if (filter.test(s)) {
        out.add(s);
      }
    }
    out.sort(
        Comparator.comparing(
                (Session s) -> s.record.createdAt,
                Comparator.nullsFirst(Comparator.<Instant>naturalOrder()))
            .thenComparing(Session::id));
    return out;
  }

  /** Every session object, in no particular order (for the lifetime keeper). */
  java.util.Collection<Session> sessionsView() {
    return sessions.values();
  }

  /** All sessions currently known (including terminated ones kept for listing). */
  public List<Session> all() {
    return list(s -> true);
  }

  static io.grpc.StatusRuntimeException wrongState(Session s, String what) {
    return Status.FAILED_PRECONDITION
        .withDescription(
            "cannot "
                + what
                + " session "
                + s.id()
                + " (state="
                + Session.stateName(s.record.state)
                + ")")
        .asRuntimeException();
  }

  void changeState(Session s, SessionState to) {
    s.record.state = to;
    changed(s);
  }

  private void changed(Session s) {
    store.save(s.record);
    s.fireChanged(s.toProto(metadataFor(s)));
  }

  private static Duration positive(Duration d) {
    return d.isNegative() ? Duration.ZERO : d;
  }

  /** Stops every sandbox (files and records stay, so a restart finds them paused). */
  @Override
  public void close() {
    keeper.close();
    for (Session s : sessions.values()) {
      synchronized (s) {
        s.sandbox.stop();
      }
    }
    // paused trees stay owned by their uids; their lock files keep other trees off those uids
    uids.close();
  }

  /** Engine facts added to every session's metadata. */
  public Map<String, String> engineMetadata() {
    return new LinkedHashMap<>(engineMetadata);
  }
}
