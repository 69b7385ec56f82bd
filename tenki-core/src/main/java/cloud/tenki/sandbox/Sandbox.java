package cloud.tenki.sandbox;

import cloud.tenki.proto.sandbox.v1.ExposePortRequest;
import cloud.tenki.proto.sandbox.v1.ExtendSessionRequest;
import cloud.tenki.proto.sandbox.v1.GetSessionRequest;
import cloud.tenki.proto.sandbox.v1.ListExposedPortsRequest;
import cloud.tenki.proto.sandbox.v1.PauseSessionRequest;
import cloud.tenki.proto.sandbox.v1.ResumeSessionRequest;
import cloud.tenki.proto.sandbox.v1.SandboxSession;
import cloud.tenki.proto.sandbox.v1.TerminateSessionRequest;
import cloud.tenki.proto.sandbox.v1.UnexposePortRequest;
import cloud.tenki.proto.sandbox.v1.UpdateSSHAuthorizedKeysRequest;
import cloud.tenki.proto.sandbox.v1.WaitSessionRequest;
import cloud.tenki.proto.sandbox.v1.WaitSessionResponse;
import cloud.tenki.sandbox.internal.dataplane.DataPlane;
import cloud.tenki.sandbox.internal.dataplane.Processes;
import cloud.tenki.sandbox.internal.errors.ErrorMapper;
import cloud.tenki.sandbox.internal.mapper.WireMapper;
import java.time.Duration;
import java.util.Iterator;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One sandbox: run commands in it, read and write its files, expose its ports, manage its lifetime
 * and reach it over SSH. Thread-safe; many commands may run at once.
 *
 * <p>A {@code Sandbox} is {@link AutoCloseable}: closing it terminates the sandbox unless {@link
 * #keepOnClose()} was called (or the options said so), which makes try-with-resources the safe
 * default for throwaway sandboxes. The {@link TenkiClient} that created it must stay open while it
 * is used; {@link #create(CreateSandboxOptions)} makes a sandbox that owns its own client.
 *
 * <pre>{@code
 * try (Sandbox sb = Sandbox.create(CreateSandboxOptions.builder()
 *     .projectId("proj_123").cpuCores(2).memoryMb(4096).build())) {
 *   ExecResult r = sb.exec("python3", "-c", "print('hello')").check();
 *   System.out.println(r.stdoutText());
 *   sb.fs().writeText("input.txt", "data");
 *   System.out.println(sb.fs().readText("input.txt"));
 *   System.out.println(sb.exposePort(3000, Duration.ofHours(1)).url());
 * }
 * }</pre>
 */
public final class Sandbox implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(Sandbox.class);

  private final TenkiClient client;
  private final TenkiClient ownedClient;
  private final String id;
  private final Duration readyTimeout;
  private final DataPlane dataPlane;
  private final Processes processes;
  private final SandboxFiles files;
  private volatile boolean keepOnClose;
  private volatile SandboxSession last;
  private final AtomicBoolean closed = new AtomicBoolean();

  Sandbox(
      TenkiClient client,
      SandboxSession session,
      boolean keepOnClose,
      Duration readyTimeout,
      TenkiClient ownedClient) {
    this.client = client;
    this.ownedClient = ownedClient;
    this.id = session.getId();
    this.last = session;
    this.keepOnClose = keepOnClose;
    this.readyTimeout = readyTimeout;
    this.dataPlane =
        new DataPlane(
            id,
            client.control(),
            client.channels(),
            client.apiEndpoint(),
            client.time(),
            readyTimeout,
            this::awaitRunningIfStarting);
    this.processes = new Processes(dataPlane, Duration.ofSeconds(60));
    this.files = new SandboxFiles(dataPlane);
  }

  /**
   * Creates a sandbox with a client configured from the environment; the sandbox owns that client
   * and closes it when it is closed.
   */
  public static Sandbox create(CreateSandboxOptions options) {
    TenkiClient c = TenkiClient.create();
    try {
      return c.sandboxes().create(options, c);
    } catch (RuntimeException e) {
      c.close();
      throw e;
    }
  }

  /** Creates a sandbox with the server's defaults; see {@link #create(CreateSandboxOptions)}. */
  public static Sandbox create() {
    return create(CreateSandboxOptions.defaults());
  }

  DataPlane dataPlane() {
    return dataPlane;
  }

  /** The sandbox (session) id. */
  public String id() {
    return id;
  }

  /** Fetches the current description (state, deadlines, size, labels). */
  public SandboxInfo info() {
    SandboxSession s =
        client
            .control()
            .call(
                "GetSession",
                true,
                st -> st.getSession(GetSessionRequest.newBuilder().setSessionId(id).build()))
            .getSession();
    last = s;
    return WireMapper.info(s);
  }

  /** Runs {@code argv} and collects its output (see {@link #exec(ExecOptions)}). */
  public ExecResult exec(String... argv) {
    return exec(ExecOptions.of(argv));
  }

  /**
   * Runs a command to completion and returns its exit status and output. Output is collected in
   * memory up to {@link ExecOptions#maxOutputBytes()} per stream; stream it with {@link
   * ExecOptions.Builder#onStdout} or use {@link #start(ExecOptions)} for unbounded output. A
   * non-zero exit is not an exception: call {@link ExecResult#check()}. A command that outlives its
   * timeout is killed and its partial output returned with {@code timedOut} set. Interrupting the
   * calling thread kills the command.
   */
  public ExecResult exec(ExecOptions options) {
    return processes.exec(Objects.requireNonNull(options, "options"));
  }

  /** Runs {@code script} with {@code sh -c} and collects its output. */
  public ExecResult shell(String script) {
    return exec(ExecOptions.shell(script).build());
  }

  /** Starts {@code argv} and returns the live process; see {@link SandboxProcess}. */
  public SandboxProcess start(String... argv) {
    return start(ExecOptions.of(argv));
  }

  /** Starts a command and returns once it runs; the caller must close the process. */
  public SandboxProcess start(ExecOptions options) {
    return processes.start(Objects.requireNonNull(options, "options"));
  }

  /** Files in the sandbox, relative to {@code /home/tenki}. */
  public SandboxFiles fs() {
    return files;
  }

  /** Exposes {@code port} through a preview URL until it is unexposed. */
  public Preview exposePort(int port) {
    return expose(port, null, null);
  }

  /** Exposes {@code port} through a preview URL for {@code ttl}. */
  public Preview exposePort(int port, Duration ttl) {
    return expose(port, CreateSandboxOptions.Builder.positive(ttl, "ttl"), null);
  }

  /** Exposes {@code port} for {@code ttl} under a chosen slug. */
  public Preview exposePort(int port, Duration ttl, String slug) {
    return expose(
        port,
        CreateSandboxOptions.Builder.positive(ttl, "ttl"),
        CreateSandboxOptions.Builder.nonBlank(slug, "slug"));
  }

  private Preview expose(int port, Duration ttl, String slug) {
    Ports.check(port);
    ExposePortRequest.Builder b = ExposePortRequest.newBuilder().setSessionId(id).setPort(port);
    if (ttl != null) {
      b.setExpiresAt(WireMapper.toProto(client.time().now().plus(ttl)));
    }
    if (slug != null) {
      b.setSlug(slug);
    }
    return WireMapper.preview(
        client.control().call("ExposePort", false, s -> s.exposePort(b.build())), port);
  }

  /** Stops exposing {@code port}. */
  public void unexposePort(int port) {
    Ports.check(port);
    client
        .control()
        .call(
            "UnexposePort",
            true,
            s ->
                s.unexposePort(
                    UnexposePortRequest.newBuilder().setSessionId(id).setPort(port).build()));
  }

  /** The ports currently exposed. */
  public List<Preview> exposedPorts() {
    return client
        .control()
        .call(
            "ListExposedPorts",
            true,
            s -> s.listExposedPorts(ListExposedPortsRequest.newBuilder().setSessionId(id).build()))
        .getPortsList()
        .stream()
        .map(WireMapper::preview)
        .toList();
  }

  /** Pushes the termination deadline ({@link SandboxInfo#timeoutAt()}) later by {@code more}. */
  public SandboxInfo extend(Duration more) {
    CreateSandboxOptions.Builder.positive(more, "more");
    ExtendSessionRequest req =
        ExtendSessionRequest.newBuilder()
            .setSessionId(id)
            .setAdditionalDuration(WireMapper.toProto(more))
            .build();
    return remember(
        client.control().call("ExtendSession", false, s -> s.extendSession(req)).getSession());
  }

  /** Pauses the sandbox: processes stop, files stay. */
  public SandboxInfo pause() {
    PauseSessionRequest req = PauseSessionRequest.newBuilder().setSessionId(id).build();
    SandboxSession s =
        client.control().call("PauseSession", false, st -> st.pauseSession(req)).getSession();
    dataPlane.reset();
    return remember(s);
  }

  /** Resumes a paused sandbox with its files intact and waits until it runs. */
  public SandboxInfo resume() {
    ResumeSessionRequest req = ResumeSessionRequest.newBuilder().setSessionId(id).build();
    SandboxSession s =
        client.control().call("ResumeSession", false, st -> st.resumeSession(req)).getSession();
    dataPlane.reset();
    remember(s);
    if (WireMapper.state(s.getState()) != SandboxState.RUNNING) {
      waitUntilRunning();
    }
    return WireMapper.info(last);
  }

  /** Changes name, tags, stickiness or lifetime cap. */
  public SandboxInfo update(UpdateSandboxOptions options) {
    Objects.requireNonNull(options, "options");
    return remember(
        client
            .control()
            .call(
                "UpdateSession", false, s -> s.updateSession(WireMapper.updateRequest(id, options)))
            .getSession());
  }

  /** Terminates the sandbox now; it cannot be resumed. */
  public void terminate() {
    TerminateSessionRequest req = TerminateSessionRequest.newBuilder().setSessionId(id).build();
    remember(
        client
            .control()
            .call("TerminateSession", false, s -> s.terminateSession(req))
            .getSession());
    dataPlane.reset();
  }

  /** Makes {@link #close()} leave the sandbox running. Returns this sandbox. */
  public Sandbox keepOnClose() {
    this.keepOnClose = true;
    return this;
  }

  /**
   * Signs {@code publicKey} (an OpenSSH public key line) into a short-lived user certificate for
   * this sandbox; the SSH user is {@code tenki}.
   */
  public SshCertificate issueSshCert(String publicKey, Duration ttl) {
    return client.issueSshCert(id, publicKey, ttl);
  }

  /** A raw SSH transport over the gateway WebSocket; see {@link SshConnection}. */
  public SshConnection ssh() {
    return client.ssh(id);
  }

  /** A loopback port that forwards to this sandbox's SSH server; see {@link SshForwarder}. */
  public SshForwarder sshForwarder() {
    return client.sshForwarder(id);
  }

  /** Replaces the public keys in the guest's {@code authorized_keys}. */
  public void updateSshAuthorizedKeys(List<String> publicKeys) {
    publicKeys.forEach(k -> CreateSandboxOptions.Builder.nonBlank(k, "public key"));
    UpdateSSHAuthorizedKeysRequest req =
        UpdateSSHAuthorizedKeysRequest.newBuilder()
            .setSessionId(id)
            .addAllSshAuthorizedKeys(publicKeys)
            .build();
    client.control().call("UpdateSSHAuthorizedKeys", true, s -> s.updateSSHAuthorizedKeys(req));
  }

  /** Before the first data-plane call: a sandbox still starting or resuming is waited for. */
  private void awaitRunningIfStarting() {
    SandboxState st = WireMapper.state(last.getState());
    if (st == SandboxState.CREATING || st == SandboxState.RESUMING) {
      waitUntilRunning();
    }
  }

  /** Waits until running, then until the data plane answers. */
  void awaitReady() {
    if (WireMapper.state(last.getState()) != SandboxState.RUNNING) {
      waitUntilRunning();
    }
    dataPlane.route();
  }

  private void waitUntilRunning() {
    WaitSessionRequest req = WaitSessionRequest.newBuilder().setSessionId(id).build();
    try {
      Iterator<WaitSessionResponse> it = client.control().stub(readyTimeout).waitSession(req);
      while (it.hasNext()) {
        WaitSessionResponse r = it.next();
        remember(r.getSession());
        SandboxState st = WireMapper.state(r.getSession().getState());
        if (st == SandboxState.RUNNING) {
          dataPlane.seed(r.getDataPlaneEndpoint(), r.getCredential(), r.getRouteStatus());
          return;
        }
        if (st.isTerminal()) {
          throw new ConflictException(
              "sandbox "
                  + id
                  + " ended while waiting for it to run ("
                  + st
                  + ")"
                  + (last.getTerminalError().isEmpty() ? "" : ": " + last.getTerminalError()),
              "failed_precondition",
              null,
              null);
        }
      }
    } catch (RuntimeException e) {
      throw ErrorMapper.fromGrpc("WaitSession", e);
    }
    SandboxState st = info().state();
    if (st != SandboxState.RUNNING) {
      throw new ConflictException(
          "sandbox " + id + " is " + st + ", not running", "failed_precondition", null, null);
    }
  }

  private SandboxInfo remember(SandboxSession s) {
    if (s.getId().equals(id)) {
      last = s;
    }
    return WireMapper.info(last);
  }

  /**
   * Terminates the sandbox unless {@link #keepOnClose()} was called, then releases local resources
   * (and the client, if this sandbox owns it). Idempotent; never throws.
   */
  @Override
  public void close() {
    if (!closed.compareAndSet(false, true)) {
      return;
    }
    try {
      if (!keepOnClose) {
        terminate();
      }
    } catch (NotFoundException gone) {
      // already gone is the desired end state
    } catch (RuntimeException e) {
      log.warn("could not terminate sandbox {}: {}", id, e.getMessage());
    } finally {
      if (ownedClient != null) {
        ownedClient.close();
      }
    }
  }

  @Override
  public String toString() {
    return "Sandbox[" + id + "]";
  }
}
