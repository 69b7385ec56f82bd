package cloud.tenki.sandbox.internal.transport;

import io.grpc.ClientInterceptor;
import io.grpc.Metadata;
import io.grpc.stub.MetadataUtils;

/** The headers every Tenki SDK sends, and the data-plane credential header. */
public final class Headers {
  public static final String CLIENT_FAMILY = "java_sdk";
  public static final String CLIENT_GENERATION = "workspace_v1";

  public static final Metadata.Key<String> AUTHORIZATION =
      Metadata.Key.of("authorization", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> FAMILY =
      Metadata.Key.of("x-tenki-client-family", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> GENERATION =
      Metadata.Key.of("x-tenki-client-generation", Metadata.ASCII_STRING_MARSHALLER);
  public static final Metadata.Key<String> SESSION_CERT =
      Metadata.Key.of("x-tenki-session-cert", Metadata.ASCII_STRING_MARSHALLER);

  private Headers() {}

  /** Bearer auth plus client identification, for the control plane. */
  public static ClientInterceptor controlPlane(String token) {
    Metadata md = new Metadata();
    md.put(AUTHORIZATION, "Bearer " + token);
    md.put(FAMILY, CLIENT_FAMILY);
    md.put(GENERATION, CLIENT_GENERATION);
    return MetadataUtils.newAttachHeadersInterceptor(md);
  }

  /** The session credential (no Bearer) plus client identification, for the data plane. */
  public static ClientInterceptor dataPlane(String credential) {
    Metadata md = new Metadata();
    md.put(SESSION_CERT, credential);
    md.put(FAMILY, CLIENT_FAMILY);
    md.put(GENERATION, CLIENT_GENERATION);
    return MetadataUtils.newAttachHeadersInterceptor(md);
  }
}
