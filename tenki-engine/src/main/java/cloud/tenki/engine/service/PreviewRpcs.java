package cloud.tenki.engine.service;

import cloud.tenki.engine.preview.PreviewRegistry;
import cloud.tenki.proto.sandbox.v1.*;
import com.google.protobuf.Timestamp;
import java.time.Instant;

/** Maps the port and preview-URL rpcs onto the {@link PreviewRegistry}. Thread-safe. */
final class PreviewRpcs {

  private final PreviewRegistry previews;

  PreviewRpcs(PreviewRegistry previews) {
    this.previews = previews;
  }

  ExposePortResponse expose(ExposePortRequest req) {
    Instant expires =
        req.hasExpiresAt()
            ? Instant.ofEpochSecond(req.getExpiresAt().getSeconds(), req.getExpiresAt().getNanos())
            : null;
    PreviewRegistry.Exposure e =
        previews.expose(
            req.getSessionId(), req.getPort(), expires, req.hasSlug() ? req.getSlug() : null);
    ExposePortResponse.Builder b =
        ExposePortResponse.newBuilder()
            .setHostAddress(e.hostAddress())
            .setPort(e.port())
            .setPreviewUrl(e.url())
            .setPreviewUrlId(e.id())
            .setSlug(e.slug());
    if (e.expiresAt() != null) {
      b.setExpiresAt(ts(e.expiresAt()));
    }
    return b.build();
  }

  ListExposedPortsResponse exposed(ListExposedPortsRequest req) {
    ListExposedPortsResponse.Builder b = ListExposedPortsResponse.newBuilder();
    for (PreviewRegistry.Exposure e : previews.exposed(req.getSessionId())) {
      PortExposure.Builder p =
          PortExposure.newBuilder()
              .setPort(e.port())
              .setPreviewUrl(e.url())
              .setPreviewUrlId(e.id())
              .setSlug(e.slug());
      if (e.expiresAt() != null) {
        p.setExpiresAt(ts(e.expiresAt()));
      }
      b.addPorts(p);
    }
    return b.build();
  }

  UnexposePortResponse unexpose(UnexposePortRequest req) {
    previews.unexpose(req.getSessionId(), req.getPort());
    return UnexposePortResponse.getDefaultInstance();
  }

  CreatePreviewUrlResponse create(CreatePreviewUrlRequest req) {
    return CreatePreviewUrlResponse.newBuilder()
        .setPreviewUrl(
            previews.create(
                req.getSlug(),
                req.hasSessionId() && !req.getSessionId().isEmpty() ? req.getSessionId() : null,
                req.hasPort() ? req.getPort() : null))
        .build();
  }

  GetPreviewUrlResponse get(GetPreviewUrlRequest req) {
    PreviewUrl p =
        req.getLookupCase() == GetPreviewUrlRequest.LookupCase.SLUG
            ? previews.getBySlug(req.getSlug())
            : previews.get(req.getPreviewUrlId());
    return GetPreviewUrlResponse.newBuilder().setPreviewUrl(p).build();
  }

  ListPreviewUrlsResponse list(ListPreviewUrlsRequest req) {
    PreviewRegistry.Page page = previews.list(req.getPageSize(), req.getPageToken());
    return ListPreviewUrlsResponse.newBuilder()
        .addAllPreviewUrls(page.previews())
        .setNextPageToken(page.nextToken())
        .build();
  }

  BindPreviewUrlResponse bind(BindPreviewUrlRequest req) {
    return BindPreviewUrlResponse.newBuilder()
        .setPreviewUrl(previews.bind(req.getPreviewUrlId(), req.getSessionId(), req.getPort()))
        .build();
  }

  UnbindPreviewUrlResponse unbind(UnbindPreviewUrlRequest req) {
    return UnbindPreviewUrlResponse.newBuilder()
        .setPreviewUrl(previews.unbind(req.getPreviewUrlId()))
        .build();
  }

  DeletePreviewUrlResponse delete(DeletePreviewUrlRequest req) {
    previews.delete(req.getPreviewUrlId());
    return DeletePreviewUrlResponse.getDefaultInstance();
  }

  private static Timestamp ts(Instant i) {
    return Timestamp.newBuilder().setSeconds(i.getEpochSecond()).setNanos(i.getNano()).build();
  }
}
