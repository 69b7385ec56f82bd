package cloud.tenki.engine.net;

import cloud.tenki.engine.memory.MemoryBudget;
import io.grpc.Metadata;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Locale;
import java.util.Set;
import org.eclipse.jetty.http.HttpField;
import org.eclipse.jetty.http.HttpFields;

/**
 * Converts between HTTP header fields and gRPC metadata. Transport headers (content type, framing,
 * timeouts, hop-by-hop fields) are not metadata and are left out in both directions; {@code -bin}
 * keys are base64 on the wire and raw bytes in metadata, as the gRPC over HTTP/2 spec says.
 */
final class HeaderMetadata {

  private static final Set<String> TRANSPORT =
      Set.of(
          "content-type",
          "content-length",
          "content-encoding",
          "accept-encoding",
          "te",
          "host",
          "connection",
          "keep-alive",
          "upgrade",
          "transfer-encoding",
          "http2-settings",
          "user-agent",
          "grpc-timeout",
          "grpc-encoding",
          "grpc-accept-encoding",
          "grpc-status",
          "grpc-message",
          "grpc-status-details-bin");

  /** The memory-budget ticket the endpoint adds to each unary call it makes (never a client's). */
  static final Metadata.Key<String> TICKET =
      Metadata.Key.of(MemoryBudget.TICKET_HEADER, Metadata.ASCII_STRING_MARSHALLER);

  private HeaderMetadata() {}

  /**
   * Request headers as metadata; names starting with one of {@code skipPrefixes} are left out, and
   * so is the engine's own {@link MemoryBudget#TICKET_HEADER}, which a client must not choose.
   */
  static Metadata fromHttp(HttpFields fields, String... skipPrefixes) {
    Metadata md = new Metadata();
    for (HttpField f : fields) {
      String name = f.getLowerCaseName();
      if (name.startsWith(":")
          || TRANSPORT.contains(name)
          || name.equals(MemoryBudget.TICKET_HEADER)
          || skipped(name, skipPrefixes)) {
        continue;
      }
      String value = f.getValue();
      if (value == null) {
        continue;
      }
      try {
        if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
          md.put(
              Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER),
              Base64.getDecoder().decode(pad(value.trim())));
        } else {
          md.put(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER), value);
        }
      } catch (IllegalArgumentException e) {
        // an undecodable or illegal header is not metadata; drop it rather than fail the call
      }
    }
    return md;
  }

  private static boolean skipped(String name, String[] prefixes) {
    for (String p : prefixes) {
      if (name.startsWith(p)) {
        return true;
      }
    }
    return false;
  }

  private static String pad(String b64) {
    int rem = b64.length() % 4;
    return rem == 0 ? b64 : b64 + "===".substring(0, 4 - rem);
  }

  /** Adds metadata to response headers or trailers, with {@code prefix} before each name. */
  static void toHttp(Metadata md, HttpFields.Mutable out, String prefix) {
    if (md == null) {
      return;
    }
    for (String key : md.keys()) {
      String name = key.toLowerCase(Locale.ROOT);
      if (TRANSPORT.contains(name)) {
        continue;
      }
      if (name.endsWith(Metadata.BINARY_HEADER_SUFFIX)) {
        Iterable<byte[]> values = md.getAll(Metadata.Key.of(name, Metadata.BINARY_BYTE_MARSHALLER));
        if (values != null) {
          for (byte[] v : values) {
            out.add(prefix + name, Base64.getEncoder().withoutPadding().encodeToString(v));
          }
        }
      } else {
        Iterable<String> values =
            md.getAll(Metadata.Key.of(name, Metadata.ASCII_STRING_MARSHALLER));
        if (values != null) {
          for (String v : values) {
            out.add(prefix + name, v);
          }
        }
      }
    }
  }

  /** Percent-encodes a grpc-message value (spec: bytes outside 0x20..0x7e, and '%'). */
  static String encodeMessage(String message) {
    if (message == null) {
      return "";
    }
    byte[] bytes = message.getBytes(StandardCharsets.UTF_8);
    StringBuilder sb = new StringBuilder(bytes.length);
    for (byte b : bytes) {
      int c = b & 0xff;
      if (c < 0x20 || c > 0x7e || c == '%') {
        sb.append('%').append(Character.toUpperCase(Character.forDigit(c >> 4, 16)));
        sb.append(Character.toUpperCase(Character.forDigit(c & 0xf, 16)));
      } else {
        sb.append((char) c);
      }
    }
    return sb.toString();
  }
}
