package cloud.tenki.sandbox.internal.connect;

import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.UnavailableException;
import cloud.tenki.sandbox.internal.errors.ErrorMapper;
import cloud.tenki.sandbox.internal.transport.Headers;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import java.io.IOException;
import okhttp3.MediaType;
import okhttp3.OkHttpClient;
import okhttp3.Request;
import okhttp3.RequestBody;
import okhttp3.Response;

/**
 * Connect unary calls with JSON bodies over OkHttp: they pass through plain HTTP/1.1 load
 * balancers, which is why the SSH certificate RPCs use them.
 */
public final class ConnectClient {
  private static final MediaType JSON = MediaType.get("application/json");
  private static final JsonFormat.Printer PRINTER = JsonFormat.printer();
  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final long MAX_REPLY_BYTES = 1024 * 1024;

  private final OkHttpClient http;
  private final String base;
  private final String token;

  public ConnectClient(OkHttpClient http, String base, String token) {
    this.http = http;
    this.base = base.endsWith("/") ? base.substring(0, base.length() - 1) : base;
    this.token = token;
  }

  /** Calls {@code service/method} and merges the reply into {@code reply}. */
  public <B extends Message.Builder> B call(
      String service, String method, Message request, B reply) {
    String op = method;
    Request req =
        new Request.Builder()
            .url(base + "/" + service + "/" + method)
            .header("Authorization", "Bearer " + token)
            .header("Connect-Protocol-Version", "1")
            .header("X-Tenki-Client-Family", Headers.CLIENT_FAMILY)
            .header("X-Tenki-Client-Generation", Headers.CLIENT_GENERATION)
            .post(RequestBody.create(print(request), JSON))
            .build();
    try (Response resp = http.newCall(req).execute()) {
      // certificate replies are small; a misbehaving proxy must not fill the heap
      String text = resp.peekBody(MAX_REPLY_BYTES).string();
      String requestId = resp.header("x-request-id");
      if (!resp.isSuccessful()) {
        throw error(op, resp.code(), text, requestId);
      }
      PARSER.merge(text, reply);
      return reply;
    } catch (InvalidProtocolBufferException e) {
      throw new TenkiException(op + ": unreadable reply: " + e.getMessage(), "internal", null, e);
    } catch (IOException e) {
      throw new UnavailableException(
          op + " failed: " + e.getClass().getSimpleName() + ": " + e.getMessage(),
          "unavailable",
          null,
          e);
    }
  }

  private static String print(Message m) {
    try {
      return PRINTER.print(m);
    } catch (InvalidProtocolBufferException e) {
      throw new IllegalStateException(e);
    }
  }

  static TenkiException error(String op, int status, String body, String requestId) {
    String code = null;
    String message = null;
    try {
      Struct.Builder s = Struct.newBuilder();
      PARSER.merge(body, s);
      code = string(s.getFieldsOrDefault("code", null));
      message = string(s.getFieldsOrDefault("message", null));
    } catch (InvalidProtocolBufferException | RuntimeException notJson) {
      // a proxy's HTML error page: the status alone decides
    }
    return ErrorMapper.fromConnect(op, status, code, message, requestId);
  }

  private static String string(Value v) {
    return v == null || v.getKindCase() != Value.KindCase.STRING_VALUE ? null : v.getStringValue();
  }
}
