package cloud.tenki.sandbox;

import cloud.tenki.proto.sandbox.v1.BindPreviewUrlRequest;
import cloud.tenki.proto.sandbox.v1.CreatePreviewUrlRequest;
import cloud.tenki.proto.sandbox.v1.DeletePreviewUrlRequest;
import cloud.tenki.proto.sandbox.v1.GetPreviewUrlRequest;
import cloud.tenki.proto.sandbox.v1.ListPreviewUrlsRequest;
import cloud.tenki.proto.sandbox.v1.ListPreviewUrlsResponse;
import cloud.tenki.proto.sandbox.v1.UnbindPreviewUrlRequest;
import cloud.tenki.sandbox.internal.control.ControlPlane;
import cloud.tenki.sandbox.internal.mapper.WireMapper;
import java.util.ArrayList;
import java.util.List;

/**
 * Named, stable preview URLs that can be bound to a sandbox port; from {@link
 * TenkiClient#previewUrls()}. Thread-safe. For a quick URL for one port use {@link
 * Sandbox#exposePort(int, java.time.Duration)} instead.
 *
 * <pre>{@code
 * PreviewUrl demo = client.previewUrls().create(CreatePreviewUrlOptions.builder("demo")
 *     .projectId("proj_123").sessionId(sandbox.id()).port(3000).build());
 * client.previewUrls().delete(demo.id());
 * }</pre>
 */
public final class PreviewUrls {
  private final ControlPlane control;

  PreviewUrls(ControlPlane control) {
    this.control = control;
  }

  /** Creates a preview URL, bound to a sandbox port if the options say so. */
  public PreviewUrl create(CreatePreviewUrlOptions options) {
    CreatePreviewUrlRequest.Builder b =
        CreatePreviewUrlRequest.newBuilder().setSlug(options.slug());
    options.projectId().ifPresent(b::setProjectId);
    options.workspaceId().ifPresent(b::setWorkspaceId);
    options.sessionId().ifPresent(b::setSessionId);
    options.port().ifPresent(b::setPort);
    return WireMapper.previewUrl(
        control
            .call("CreatePreviewUrl", false, s -> s.createPreviewUrl(b.build()))
            .getPreviewUrl());
  }

  /** Fetches a preview URL by id. */
  public PreviewUrl get(String id) {
    GetPreviewUrlRequest req =
        GetPreviewUrlRequest.newBuilder()
            .setPreviewUrlId(CreateSandboxOptions.Builder.nonBlank(id, "id"))
            .build();
    return WireMapper.previewUrl(
        control.call("GetPreviewUrl", true, s -> s.getPreviewUrl(req)).getPreviewUrl());
  }

  /** Fetches a preview URL by slug. */
  public PreviewUrl getBySlug(String slug) {
    GetPreviewUrlRequest req =
        GetPreviewUrlRequest.newBuilder()
            .setSlug(CreateSandboxOptions.Builder.nonBlank(slug, "slug"))
            .build();
    return WireMapper.previewUrl(
        control.call("GetPreviewUrl", true, s -> s.getPreviewUrl(req)).getPreviewUrl());
  }

  /** Every preview URL of the caller (all pages). */
  public List<PreviewUrl> list() {
    return list(null);
  }

  /** The preview URLs of a workspace ({@code null}: all of the caller's). */
  public List<PreviewUrl> list(String workspaceId) {
    List<PreviewUrl> all = new ArrayList<>();
    String token = "";
    do {
      ListPreviewUrlsRequest.Builder b = ListPreviewUrlsRequest.newBuilder().setPageToken(token);
      if (workspaceId != null) {
        b.setWorkspaceId(CreateSandboxOptions.Builder.nonBlank(workspaceId, "workspaceId"));
      }
      ListPreviewUrlsResponse r =
          control.call("ListPreviewUrls", true, s -> s.listPreviewUrls(b.build()));
      r.getPreviewUrlsList().forEach(p -> all.add(WireMapper.previewUrl(p)));
      token = r.getNextPageToken();
    } while (!token.isEmpty());
    return all;
  }

  /** Binds a preview URL to a sandbox port. */
  public PreviewUrl bind(String id, String sessionId, int port) {
    BindPreviewUrlRequest req =
        BindPreviewUrlRequest.newBuilder()
            .setPreviewUrlId(CreateSandboxOptions.Builder.nonBlank(id, "id"))
            .setSessionId(CreateSandboxOptions.Builder.nonBlank(sessionId, "sessionId"))
            .setPort(Ports.check(port))
            .build();
    return WireMapper.previewUrl(
        control.call("BindPreviewUrl", false, s -> s.bindPreviewUrl(req)).getPreviewUrl());
  }

  /** Unbinds a preview URL from its sandbox port. */
  public PreviewUrl unbind(String id) {
    UnbindPreviewUrlRequest req =
        UnbindPreviewUrlRequest.newBuilder()
            .setPreviewUrlId(CreateSandboxOptions.Builder.nonBlank(id, "id"))
            .build();
    return WireMapper.previewUrl(
        control.call("UnbindPreviewUrl", false, s -> s.unbindPreviewUrl(req)).getPreviewUrl());
  }

  /** Deletes a preview URL. */
  public void delete(String id) {
    DeletePreviewUrlRequest req =
        DeletePreviewUrlRequest.newBuilder()
            .setPreviewUrlId(CreateSandboxOptions.Builder.nonBlank(id, "id"))
            .build();
    control.call("DeletePreviewUrl", false, s -> s.deletePreviewUrl(req));
  }
}
