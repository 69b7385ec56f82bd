package cloud.tenki.sandbox.internal.dataplane;

import cloud.tenki.proto.sandbox.v1.CreateSessionCredentialRequest;
import cloud.tenki.proto.sandbox.v1.CreateSessionCredentialResponse;
import cloud.tenki.proto.sandbox.v1.DataPlaneRouteStatus;
import cloud.tenki.proto.sandbox.v1.SandboxSessionDataPlaneServiceStatRequest;
import cloud.tenki.proto.sandbox.v1.SessionCredential;
import cloud.tenki.proto.sandbox.v1.StatRequest;
import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.TenkiTimeoutException;
import cloud.tenki.sandbox.UnavailableException;
import cloud.tenki.sandbox.internal.control.ControlPlane;
import cloud.tenki.sandbox.internal.errors.ErrorMapper;
import cloud.tenki.sandbox.internal.mapper.WireMapper;
import cloud.tenki.sandbox.internal.retry.TimeSource;
import cloud.tenki.sandbox.internal.transport.ChannelPool;
import cloud.tenki.sandbox.internal.transport.Endpoint;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.time.Duration;
import java.time.Instant;
import java.util.function.Function;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The data plane of one session: its endpoint and credential, minted from the control plane,
 * renewed at half life, re-minted once when the server says the credential is no longer accepted,
 * and probed until the route is live. Pause and resume {@link #reset()} it.
 */
public final class DataPlane {
  private static final Logger log = LoggerFactory.getLogger(DataPlane.class);
  private static final Duration PROBE_STEP = Duration.ofMillis(50);
  private static final Duration PROBE_CAP = Duration.ofMillis(750);
  private static final Duration ROUTE_STEP = Duration.ofMillis(100);
  private static final Duration ROUTE_CAP = Duration.ofSeconds(1);
  private static final Duration PROBE_CALL_TIMEOUT = Duration.ofSeconds(10);

  private final String sessionId;
  private final ControlPlane control;
  private final ChannelPool channels;
  private final Endpoint controlEndpoint;
  private final TimeSource time;
  private final Duration readyTimeout;
  private final Runnable awaitRunning;

  // guarded by this
  private Route route;
  private boolean probed;

  public DataPlane(
      String sessionId,
      ControlPlane control,
      ChannelPool channels,
      Endpoint controlEndpoint,
      TimeSource time,
      Duration readyTimeout,
      Runnable awaitRunning) {
    this.awaitRunning = awaitRunning;
    this.sessionId = sessionId;
    this.control = control;
    this.channels = channels;
    this.controlEndpoint = controlEndpoint;
    this.time = time;
    this.readyTimeout = readyTimeout;
  }

  public String sessionId() {
    return sessionId;
  }

  /**
   * Uses the route a create or wait reply already carried, if it is usable.
   *
   * @throws UnavailableException if the reply says the route failed (that is terminal)
   */
  public synchronized void seed(
      String endpoint, SessionCredential credential, DataPlaneRouteStatus status) {
    if (status == DataPlaneRouteStatus.DATA_PLANE_ROUTE_STATUS_FAILED) {
      throw routeFailed();
    }
    if (usable(endpoint, credential, status)) {
      route = toRoute(endpoint, credential);
      probed = false;
    }
  }

  /** Forgets endpoint, credential and readiness; the next call mints and probes again. */
  public synchronized void reset() {
    route = null;
    probed = false;
  }

  /** A live route: minted or renewed if needed, probed once per endpoint. */
  public synchronized Route route() {
    if (route == null) {
      // a sandbox created without waiting, or resumed, may not run yet
      awaitRunning.run();
    }
    if (route == null || !time.now().isBefore(route.renewAt())) {
      Route fresh = mint();
      if (route == null || !route.endpoint().equals(fresh.endpoint())) {
        probed = false;
      }
      route = fresh;
    }
    if (!probed) {
      try {
        probe(route);
      } catch (TenkiException e) {
        if (!isUnauthenticated(e)) {
          throw e;
        }
        route = mint();
        probe(route);
      }
      probed = true;
    }
    return route;
  }

  /** Replaces a credential the server rejected, unless another caller already did. */
  public synchronized Route remint(Route rejected) {
    if (route == null || route == rejected) {
      log.debug("session credential rejected for {}, minting a new one", sessionId);
      route = mint();
    }
    return route;
  }

  /**
   * Runs a data-plane call on a live route; on UNAUTHENTICATED re-mints the credential and runs it
   * once more. Errors come back mapped.
   */
  public <T> T call(String op, boolean safe, Function<Route, T> fn) {
    return control
        .retrier()
        .call(
            op,
            safe,
            () -> {
              Route r = route();
              try {
                return fn.apply(r);
              } catch (RuntimeException e) {
                if (!isUnauthenticated(e)) {
                  throw ErrorMapper.fromGrpc(op, e);
                }
                Route fresh = remint(r);
                try {
                  return fn.apply(fresh);
                } catch (RuntimeException again) {
                  throw ErrorMapper.fromGrpc(op, again);
                }
              }
            });
  }

  static boolean isUnauthenticated(Throwable e) {
    if (e instanceof TenkiException te) {
      return "unauthenticated".equals(te.code());
    }
    return e instanceof StatusRuntimeException sre
        && sre.getStatus().getCode() == Status.Code.UNAUTHENTICATED;
  }

  private UnavailableException routeFailed() {
    return new UnavailableException(
        "the data plane route of sandbox " + sessionId + " failed", "unavailable", null, null);
  }

  private static boolean usable(
      String endpoint, SessionCredential credential, DataPlaneRouteStatus status) {
    return !endpoint.isEmpty()
        && !credential.getCredential().isEmpty()
        && status != DataPlaneRouteStatus.DATA_PLANE_ROUTE_STATUS_NOT_READY
        && status != DataPlaneRouteStatus.DATA_PLANE_ROUTE_STATUS_FAILED;
  }

  private Route toRoute(String endpoint, SessionCredential credential) {
    Endpoint ep = Endpoint.parseDataPlane(endpoint, controlEndpoint);
    Instant now = time.now();
    Instant renewAt = Instant.MAX;
    if (credential.hasExpiresAt()) {
      Instant expires = WireMapper.fromProto(credential.getExpiresAt());
      Duration remaining = Duration.between(now, expires);
      renewAt = remaining.isNegative() ? now : now.plus(remaining.dividedBy(2));
    }
    return Route.create(ep, credential.getCredential(), renewAt, channels.channel(ep));
  }

  /** Mints a credential, waiting with backoff while the route is not ready. */
  private Route mint() {
    Instant deadline = time.now().plus(readyTimeout);
    CreateSessionCredentialRequest req =
        CreateSessionCredentialRequest.newBuilder().setSessionId(sessionId).build();
    for (int attempt = 0; ; attempt++) {
      CreateSessionCredentialResponse r =
          control.call("CreateSessionCredential", true, s -> s.createSessionCredential(req));
      if (r.getRouteStatus() == DataPlaneRouteStatus.DATA_PLANE_ROUTE_STATUS_FAILED) {
        throw new UnavailableException(
            "the data plane route of sandbox " + sessionId + " failed", "unavailable", null, null);
      }
      if (usable(r.getDataPlaneEndpoint(), r.getCredential(), r.getRouteStatus())) {
        return toRoute(r.getDataPlaneEndpoint(), r.getCredential());
      }
      if (!time.now().isBefore(deadline)) {
        throw new TenkiTimeoutException(
            "the data plane route of sandbox "
                + sessionId
                + " was not ready within "
                + readyTimeout.toSeconds()
                + " s",
            "deadline_exceeded",
            null,
            null);
      }
      time.sleep(min(ROUTE_STEP.multipliedBy(attempt + 1L), ROUTE_CAP));
    }
  }

  /** Until the route is live the edge answers UNIMPLEMENTED: probe with a cheap stat. */
  private void probe(Route r) {
    Instant deadline = time.now().plus(readyTimeout);
    SandboxSessionDataPlaneServiceStatRequest req =
        SandboxSessionDataPlaneServiceStatRequest.newBuilder()
            .setRequest(StatRequest.newBuilder().setSessionId(sessionId).setPath(SandboxPaths.HOME))
            .build();
    for (int attempt = 0; ; attempt++) {
      try {
        r.blocking(PROBE_CALL_TIMEOUT).stat(req);
        return;
      } catch (StatusRuntimeException e) {
        Status.Code code = e.getStatus().getCode();
        if (code == Status.Code.UNAUTHENTICATED) {
          throw ErrorMapper.fromGrpc("Stat (readiness probe)", e);
        }
        if (code != Status.Code.UNIMPLEMENTED && code != Status.Code.UNAVAILABLE) {
          throw ErrorMapper.fromGrpc("Stat (readiness probe)", e);
        }
        if (!time.now().isBefore(deadline)) {
          throw new TenkiTimeoutException(
              "the data plane of sandbox "
                  + sessionId
                  + " did not answer within "
                  + readyTimeout.toSeconds()
                  + " s (last status "
                  + code
                  + ")",
              "deadline_exceeded",
              null,
              e);
        }
        time.sleep(min(PROBE_STEP.multipliedBy(attempt + 1L), PROBE_CAP));
      }
    }
  }

  private static Duration min(Duration a, Duration b) {
    return a.compareTo(b) <= 0 ? a : b;
  }
}
