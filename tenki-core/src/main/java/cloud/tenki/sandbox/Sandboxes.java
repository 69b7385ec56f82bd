package cloud.tenki.sandbox;

import cloud.tenki.proto.sandbox.v1.CreateSessionRequest;
import cloud.tenki.proto.sandbox.v1.CreateSessionResponse;
import cloud.tenki.proto.sandbox.v1.GetSessionRequest;
import cloud.tenki.proto.sandbox.v1.ListSessionsRequest;
import cloud.tenki.proto.sandbox.v1.ListSessionsResponse;
import cloud.tenki.proto.sandbox.v1.ListWorkspaceSandboxesRequest;
import cloud.tenki.proto.sandbox.v1.ListWorkspaceSandboxesResponse;
import cloud.tenki.proto.sandbox.v1.SandboxSession;
import cloud.tenki.sandbox.internal.mapper.WireMapper;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Objects;
import java.util.Spliterator;
import java.util.Spliterators;
import java.util.stream.Stream;
import java.util.stream.StreamSupport;

/**
 * Creating, finding and listing sandboxes; from {@link TenkiClient#sandboxes()}. Thread-safe.
 *
 * <pre>{@code
 * try (Sandbox sb = client.sandboxes().create(CreateSandboxOptions.builder()
 *     .projectId("proj_123").build())) {
 *   sb.exec("echo", "hi").check();
 * }
 * client.sandboxes().list(ListSandboxesOptions.builder().sticky(true).build())
 *     .forEach(info -> System.out.println(info.id() + " " + info.state()));
 * }</pre>
 */
public final class Sandboxes {
  private final TenkiClient client;

  Sandboxes(TenkiClient client) {
    this.client = client;
  }

  /** Creates a sandbox with the server's defaults and waits until it is ready. */
  public Sandbox create() {
    return create(CreateSandboxOptions.defaults());
  }

  /**
   * Creates a sandbox and, unless {@link CreateSandboxOptions#waitReady()} is off, waits until it
   * runs and its data plane answers. A sandbox that fails to become ready is terminated (unless
   * {@code keepOnClose}) before the error is thrown.
   */
  public Sandbox create(CreateSandboxOptions options) {
    return create(options, null);
  }

  Sandbox create(CreateSandboxOptions options, TenkiClient owned) {
    Objects.requireNonNull(options, "options");
    CreateSessionRequest req = WireMapper.createRequest(options);
    Duration deadline =
        options.waitReady()
            ? options.readyTimeout().plus(client.callTimeout())
            : client.callTimeout();
    CreateSessionResponse r =
        client.control().call("CreateSession", false, deadline, s -> s.createSession(req));
    Sandbox sb =
        new Sandbox(client, r.getSession(), options.keepOnClose(), options.readyTimeout(), owned);
    try {
      sb.dataPlane().seed(r.getDataPlaneEndpoint(), r.getCredential(), r.getRouteStatus());
      if (options.waitReady()) {
        sb.awaitReady();
      }
    } catch (RuntimeException e) {
      sb.close();
      throw e;
    }
    return sb;
  }

  /**
   * Attaches to an existing sandbox. Closing the returned object terminates the sandbox unless
   * {@link Sandbox#keepOnClose()} is called.
   *
   * @throws NotFoundException if there is no such sandbox
   */
  public Sandbox get(String id) {
    CreateSandboxOptions.Builder.nonBlank(id, "id");
    SandboxSession s =
        client
            .control()
            .call(
                "GetSession",
                true,
                st -> st.getSession(GetSessionRequest.newBuilder().setSessionId(id).build()))
            .getSession();
    return new Sandbox(client, s, false, Duration.ofMinutes(5), null);
  }

  /** Every sandbox of the caller that is not terminated, fetched page by page as consumed. */
  public Stream<SandboxInfo> list() {
    return list(ListSandboxesOptions.all());
  }

  /** The sandboxes matching {@code options}, fetched page by page as the stream is consumed. */
  public Stream<SandboxInfo> list(ListSandboxesOptions options) {
    Objects.requireNonNull(options, "options");
    Iterator<SandboxInfo> pages = new Pager(options);
    return StreamSupport.stream(
        Spliterators.spliteratorUnknownSize(pages, Spliterator.ORDERED | Spliterator.NONNULL),
        false);
  }

  private record Page(List<SandboxSession> sessions, String next) {}

  private final class Pager implements Iterator<SandboxInfo> {
    private final ListSandboxesOptions options;
    private final ArrayDeque<SandboxSession> buffer = new ArrayDeque<>();
    private String token = "";
    private boolean last;

    Pager(ListSandboxesOptions options) {
      this.options = options;
    }

    @Override
    public boolean hasNext() {
      while (buffer.isEmpty() && !last) {
        Page p = fetch(token);
        buffer.addAll(p.sessions());
        token = p.next();
        last = token.isEmpty();
      }
      return !buffer.isEmpty();
    }

    @Override
    public SandboxInfo next() {
      if (!hasNext()) {
        throw new NoSuchElementException();
      }
      return WireMapper.info(buffer.removeFirst());
    }

    private Page fetch(String pageToken) {
      if (options.workspaceId().isPresent()) {
        ListWorkspaceSandboxesRequest.Builder b =
            ListWorkspaceSandboxesRequest.newBuilder()
                .setWorkspaceId(options.workspaceId().get())
                .setPageSize(options.pageSize())
                .setPageToken(pageToken)
                .setIncludeTerminated(options.includeTerminated())
                .addAllTags(options.tags());
        options.sticky().ifPresent(b::setSticky);
        ListWorkspaceSandboxesResponse r =
            client
                .control()
                .call("ListWorkspaceSandboxes", true, s -> s.listWorkspaceSandboxes(b.build()));
        return new Page(r.getSessionsList(), r.getNextPageToken());
      }
      ListSessionsRequest.Builder b =
          ListSessionsRequest.newBuilder()
              .setPageSize(options.pageSize())
              .setPageToken(pageToken)
              .setIncludeTerminated(options.includeTerminated())
              .addAllTags(options.tags());
      options.sticky().ifPresent(b::setSticky);
      ListSessionsResponse r =
          client.control().call("ListSessions", true, s -> s.listSessions(b.build()));
      return new Page(r.getSessionsList(), r.getNextPageToken());
    }
  }
}
