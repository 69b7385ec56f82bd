package cloud.tenki.engine.net;

import cloud.tenki.engine.memory.MemoryBudget;
import io.grpc.Status;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.zip.GZIPInputStream;

/**
 * The gRPC length-prefixed message framing: a reader that turns a body arriving in arbitrary chunks
 * into whole messages, and the helpers around it (timeouts, frame headers). A message of {@link
 * MemoryBudget#LARGE} bytes or more is not read until its reader was told there is room for it
 * ({@link #awaitingRoom()}, {@link #admit()}); the bytes after its header stay unread meanwhile.
 * Not thread-safe; one reader per request.
 */
final class GrpcFrames {

  /** Agrees to a decompressed message growing by {@code more} bytes, or refuses (false). */
  @FunctionalInterface
  interface Growth {
    boolean allow(long more);
  }

  private final int maxMessage;
  private final boolean gzip;
  private final Growth inflated;
  private final byte[] header = new byte[5];
  private int headerFill;

  /** First buffer for a message body; it grows with the bytes that actually arrive. */
  private static final int INITIAL_BODY = 64 * 1024;

  private byte[] body;
  private int bodyLength;
  private int bodyFill;
  private boolean compressed;
  private boolean awaiting;

  GrpcFrames(int maxMessage, boolean gzip, Growth inflated) {
    this.maxMessage = maxMessage;
    this.gzip = gzip;
    this.inflated = inflated;
  }

  /** The length of a large message whose header was read and that waits for room, or -1. */
  int awaitingRoom() {
    return awaiting ? bodyLength : -1;
  }

  /** There is room for the awaited message: its buffer is allocated whole, once. */
  void admit() {
    body = new byte[bodyLength];
    bodyFill = 0;
    awaiting = false;
  }

  /** Consumes {@code buf} and returns the messages it completed. */
  List<byte[]> feed(ByteBuffer buf) {
    List<byte[]> out = null;
    while (buf.hasRemaining()) {
      if (awaiting) {
        break;
      }
      if (body == null) {
        int n = Math.min(5 - headerFill, buf.remaining());
        buf.get(header, headerFill, n);
        headerFill += n;
        if (headerFill < 5) {
          break;
        }
        compressed = (header[0] & 1) != 0;
        long len =
            ((header[1] & 0xffL) << 24)
                | ((header[2] & 0xff) << 16)
                | ((header[3] & 0xff) << 8)
                | (header[4] & 0xff);
        if (len > maxMessage) {
          throw Status.RESOURCE_EXHAUSTED
              .withDescription("message of " + len + " bytes exceeds the limit of " + maxMessage)
              .asRuntimeException();
        }
        bodyLength = (int) len;
        bodyFill = 0;
        if (bodyLength >= MemoryBudget.LARGE) {
          awaiting = true;
          break;
        }
        // a small message: allocate for what arrives, not for what the prefix claims
        body = new byte[Math.min(bodyLength, INITIAL_BODY)];
      }
      int n = Math.min(bodyLength - bodyFill, buf.remaining());
      if (bodyFill + n > body.length) {
        int grown = (int) Math.min(bodyLength, Math.max(bodyFill + n, 2L * body.length));
        body = java.util.Arrays.copyOf(body, grown);
      }
      buf.get(body, bodyFill, n);
      bodyFill += n;
      if (bodyFill == bodyLength) {
        if (out == null) {
          out = new ArrayList<>(2);
        }
        out.add(compressed ? inflate(body) : body);
        body = null;
        headerFill = 0;
      }
    }
    return out == null ? List.of() : out;
  }

  /** Whether the body ended between messages (a cut message is a protocol error). */
  boolean atBoundary() {
    return body == null && !awaiting && headerFill == 0;
  }

  private byte[] inflate(byte[] data) {
    if (!gzip) {
      throw Status.INTERNAL
          .withDescription("compressed message without a supported grpc-encoding")
          .asRuntimeException();
    }
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(data))) {
      ByteArrayOutputStream o = new ByteArrayOutputStream(data.length * 2);
      byte[] b = new byte[8192];
      long allowed = MemoryBudget.LARGE;
      int n;
      while ((n = in.read(b)) >= 0) {
        o.write(b, 0, n);
        if (o.size() > maxMessage) {
          throw Status.RESOURCE_EXHAUSTED
              .withDescription("decompressed message exceeds the limit of " + maxMessage)
              .asRuntimeException();
        }
        if (o.size() >= allowed) {
          // charged as it grows, a doubling step at a time
          if (!inflated.allow(allowed)) {
            throw MemoryBudget.busy();
          }
          allowed *= 2;
        }
      }
      return o.toByteArray();
    } catch (IOException e) {
      throw Status.INTERNAL.withDescription("corrupt gzip message").asRuntimeException();
    }
  }

  /** The 5-byte frame header of an uncompressed message of {@code length} bytes. */
  static ByteBuffer header(int length) {
    ByteBuffer b = ByteBuffer.allocate(5);
    b.put((byte) 0).putInt(length).flip();
    return b;
  }

  /** A message with its 5-byte frame header, ready to write. */
  static ByteBuffer frame(byte[] message) {
    ByteBuffer b = ByteBuffer.allocate(5 + message.length);
    b.put((byte) 0).putInt(message.length).put(message).flip();
    return b;
  }

  /** Parses a {@code grpc-timeout} value (up to 8 digits and a unit) into nanoseconds, or -1. */
  static long timeoutNanos(String v) {
    if (v == null || v.length() < 2 || v.length() > 9) {
      return -1;
    }
    long n;
    try {
      n = Long.parseLong(v.substring(0, v.length() - 1));
    } catch (NumberFormatException e) {
      return -1;
    }
    if (n < 0) {
      return -1;
    }
    return switch (v.charAt(v.length() - 1)) {
      case 'H' -> TimeUnit.HOURS.toNanos(n);
      case 'M' -> TimeUnit.MINUTES.toNanos(n);
      case 'S' -> TimeUnit.SECONDS.toNanos(n);
      case 'm' -> TimeUnit.MILLISECONDS.toNanos(n);
      case 'u' -> TimeUnit.MICROSECONDS.toNanos(n);
      case 'n' -> n;
      default -> -1;
    };
  }
}
