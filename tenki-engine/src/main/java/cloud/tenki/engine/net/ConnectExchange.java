package cloud.tenki.engine.net;

import cloud.tenki.engine.memory.Account;
import cloud.tenki.engine.memory.MemoryBudget;
import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Message;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import com.google.protobuf.util.JsonFormat;
import io.grpc.CallOptions;
import io.grpc.Channel;
import io.grpc.ClientCall;
import io.grpc.Metadata;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * One Connect unary call ({@code POST /package.Service/Method} with an {@code application/json} or
 * {@code application/proto} body, over HTTP/1.1 or HTTP/2), translated through the method's message
 * types and made on the engine's in-process server, so authentication, validation and errors are
 * exactly those of the gRPC path. Errors are Connect error JSON with the matching HTTP status;
 * response metadata becomes headers, trailing metadata {@code trailer-}-prefixed headers.
 *
 * <p>Memory: each call has a ticket {@link Account} of the engine's {@link MemoryBudget}, closed
 * when the response was written (or could not be). A large body is read only once charged to it
 * ({@link ConnectBody}), and the handler charges a large reply to it. JSON costs more copies than
 * protobuf (text, parsed tree, base64 and message at once), and the account says so.
 */
final class ConnectExchange extends ClientCall.Listener<byte[]> {

  /** Copies of a large payload a protobuf call holds at once. */
  static final int PROTO_COPIES = 2;

  /** Copies of a large payload a JSON call holds at once. */
  static final int JSON_COPIES = 5;

  private static final JsonFormat.Parser PARSER = JsonFormat.parser().ignoringUnknownFields();
  private static final JsonFormat.Printer PRINTER =
      JsonFormat.printer().omittingInsignificantWhitespace();

  private final MethodTable.Entry entry;
  private final boolean json;
  private final Response response;
  private final Callback done;
  private Metadata headers;
  private byte[] reply;

  private ConnectExchange(MethodTable.Entry entry, boolean json, Response response, Callback done) {
    this.entry = entry;
    this.json = json;
    this.response = response;
    this.done = done;
  }

  /** Whether a content type is one of the Connect unary codecs this endpoint speaks. */
  static boolean isConnectUnary(String contentType) {
    String ct = bare(contentType);
    return ct.equals("application/json") || ct.equals("application/proto");
  }

  static String bare(String contentType) {
    if (contentType == null) {
      return "";
    }
    int semi = contentType.indexOf(';');
    return (semi < 0 ? contentType : contentType.substring(0, semi))
        .trim()
        .toLowerCase(Locale.ROOT);
  }

  static void serve(
      Channel channel,
      MethodTable.Entry entry,
      String method,
      Request request,
      Response response,
      Callback done,
      int maxMessage,
      MemoryBudget budget) {
    HttpFields h = request.getHeaders();
    boolean json = bare(h.get(HttpHeader.CONTENT_TYPE)).equals("application/json");
    String version = h.get("connect-protocol-version");
    if (version != null && !version.equals("1")) {
      refuseUnread(
          response,
          done,
          Status.INVALID_ARGUMENT.withDescription(
              "connect-protocol-version must be \"1\", got \"" + version + "\""),
          null,
          null);
      return;
    }
    if (entry == null) {
      refuseUnread(
          response,
          done,
          Status.UNIMPLEMENTED.withDescription(method + " is not served by the local Tenki engine"),
          null,
          null);
      return;
    }
    if (!entry.unary()) {
      refuseUnread(
          response,
          done,
          Status.UNIMPLEMENTED.withDescription(
              method + " is a streaming method: call it over gRPC (HTTP/2)"),
          null,
          null);
      return;
    }
    CallOptions opts = CallOptions.DEFAULT;
    String timeout = h.get("connect-timeout-ms");
    if (timeout != null) {
      try {
        long ms = Long.parseLong(timeout.trim());
        if (ms < 0 || timeout.trim().length() > 10) {
          throw new NumberFormatException();
        }
        opts = opts.withDeadlineAfter(ms, TimeUnit.MILLISECONDS);
      } catch (NumberFormatException e) {
        refuseUnread(
            response,
            done,
            Status.INVALID_ARGUMENT.withDescription("malformed connect-timeout-ms " + timeout),
            null,
            null);
        return;
      }
    }
    boolean gzip = "gzip".equalsIgnoreCase(h.get(HttpHeader.CONTENT_ENCODING));
    Metadata md = HeaderMetadata.fromHttp(h, "connect-");
    Account account = budget.openTicket(json ? JSON_COPIES : PROTO_COPIES);
    md.put(HeaderMetadata.TICKET, account.ticket());
    Callback closing =
        new Callback.Nested(done) {
          @Override
          public void completed() {
            account.close();
          }
        };
    ConnectExchange x = new ConnectExchange(entry, json, response, closing);
    CallOptions options = opts;
    ConnectBody body = ConnectBody.read(request, maxMessage, account);
    request.addFailureListener(t -> body.abort());
    body.result()
        .whenComplete(
            (bytes, failure) -> {
              if (failure != null) {
                error(response, closing, unreadable(failure, maxMessage), null, null);
                return;
              }
              x.call(channel, method, options, md, bytes, gzip, maxMessage, request, account);
            });
  }

  private static Status unreadable(Throwable failure, int maxMessage) {
    Throwable t =
        failure instanceof CompletionException && failure.getCause() != null
            ? failure.getCause()
            : failure;
    if (t instanceof StatusRuntimeException s) {
      return s.getStatus(); // the memory budget's answer
    }
    return Status.RESOURCE_EXHAUSTED.withDescription(
        "request body unreadable or larger than " + maxMessage + " bytes");
  }

  private void call(
      Channel channel,
      String method,
      CallOptions options,
      Metadata md,
      byte[] body,
      boolean gzip,
      int maxMessage,
      Request request,
      Account account) {
    byte[] wire;
    try {
      byte[] raw = gzip ? gunzip(body, maxMessage, account) : body;
      wire = toWire(raw);
    } catch (StatusRuntimeException e) {
      error(response, done, e.getStatus(), null, null);
      return;
    } catch (IOException | RuntimeException e) {
      error(
          response,
          done,
          Status.INVALID_ARGUMENT.withDescription(
              "cannot decode the request body as "
                  + (json ? "JSON" : "protobuf")
                  + " "
                  + entry.requestPrototype().getDescriptorForType().getFullName()),
          null,
          null);
      return;
    }
    MethodDescriptor<byte[], byte[]> desc =
        MethodDescriptor.newBuilder(GrpcExchange.BYTES, GrpcExchange.BYTES)
            .setType(MethodDescriptor.MethodType.UNARY)
            .setFullMethodName(method)
            .build();
    ClientCall<byte[], byte[]> call = channel.newCall(desc, options);
    request.addFailureListener(t -> call.cancel("client went away", t));
    call.start(this, md);
    call.request(2);
    call.sendMessage(wire);
    call.halfClose();
  }

  private byte[] toWire(byte[] raw) throws InvalidProtocolBufferException {
    Message proto = entry.requestPrototype();
    if (json) {
      Message.Builder b = proto.newBuilderForType();
      PARSER.merge(new String(raw, StandardCharsets.UTF_8), b);
      return b.build().toByteArray();
    }
    // parse to refuse garbage here with invalid_argument, as Connect servers do
    proto.getParserForType().parseFrom(raw);
    return raw;
  }

  /** Inflates a body; past {@link MemoryBudget#LARGE} bytes it is charged as it grows. */
  private static byte[] gunzip(byte[] body, int max, Account account) throws IOException {
    try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
      java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream(8192);
      byte[] b = new byte[8192];
      long allowed = MemoryBudget.LARGE;
      int n;
      while ((n = in.read(b)) >= 0) {
        out.write(b, 0, n);
        if (out.size() > max) {
          throw new IOException("too large");
        }
        if (out.size() >= allowed) {
          if (account.tryCharge(allowed) == null) {
            throw MemoryBudget.busy();
          }
          allowed *= 2;
        }
      }
      return out.toByteArray();
    }
  }

  @Override
  public void onHeaders(Metadata h) {
    headers = h;
  }

  @Override
  public void onMessage(byte[] message) {
    reply = message;
  }

  @Override
  public void onClose(Status status, Metadata trailers) {
    if (!status.isOk()) {
      error(response, done, status, headers, trailers);
      return;
    }
    if (reply == null) {
      error(response, done, Status.INTERNAL.withDescription("no reply message"), headers, trailers);
      return;
    }
    byte[] body;
    try {
      body =
          json
              ? PRINTER
                  .print(entry.responsePrototype().getParserForType().parseFrom(reply))
                  .getBytes(StandardCharsets.UTF_8)
              : reply;
    } catch (InvalidProtocolBufferException e) {
      error(response, done, Status.INTERNAL.withDescription("unreadable reply"), headers, trailers);
      return;
    }
    response.setStatus(200);
    HttpFields.Mutable h = response.getHeaders();
    h.put(HttpHeader.CONTENT_TYPE, json ? "application/json" : "application/proto");
    HeaderMetadata.toHttp(headers, h, "");
    HeaderMetadata.toHttp(trailers, h, "trailer-");
    h.put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), done);
  }

  /** A Connect error answered before the request's body is read (see {@link PlainResponses}). */
  private static void refuseUnread(
      Response response, Callback done, Status status, Metadata headers, Metadata trailers) {
    PlainResponses.closeAfterResponse(response);
    error(response, done, status, headers, trailers);
  }

  /** Writes a Connect error: JSON {@code {"code": ..., "message": ...}} and the paired status. */
  static void error(
      Response response, Callback done, Status status, Metadata headers, Metadata trailers) {
    Struct.Builder s =
        Struct.newBuilder()
            .putFields(
                "code",
                Value.newBuilder().setStringValue(ConnectCodes.name(status.getCode())).build());
    if (status.getDescription() != null) {
      s.putFields("message", Value.newBuilder().setStringValue(status.getDescription()).build());
    }
    byte[] body;
    try {
      body = PRINTER.print(s).getBytes(StandardCharsets.UTF_8);
    } catch (InvalidProtocolBufferException e) {
      body = "{\"code\":\"internal\"}".getBytes(StandardCharsets.UTF_8);
    }
    response.setStatus(ConnectCodes.httpStatus(status.getCode()));
    HttpFields.Mutable h = response.getHeaders();
    h.put(HttpHeader.CONTENT_TYPE, "application/json");
    HeaderMetadata.toHttp(headers, h, "");
    HeaderMetadata.toHttp(trailers, h, "trailer-");
    h.put(HttpHeader.CONTENT_LENGTH, body.length);
    response.write(true, ByteBuffer.wrap(body), done);
  }
}
