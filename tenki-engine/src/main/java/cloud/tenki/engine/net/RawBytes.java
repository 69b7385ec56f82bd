package cloud.tenki.engine.net;

import io.grpc.Drainable;
import io.grpc.KnownLength;
import io.grpc.MethodDescriptor;
import io.grpc.Status;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;

/**
 * Messages as their serialized bytes: how the network endpoint passes calls through to the
 * in-process server. A reply the server serializes is drained straight into one array of its exact
 * size, so a large reply exists once here (not once per buffer a generic stream read would grow).
 * Stateless.
 */
final class RawBytes implements MethodDescriptor.Marshaller<byte[]> {

  static final RawBytes MARSHALLER = new RawBytes();

  private RawBytes() {}

  @Override
  public InputStream stream(byte[] value) {
    return new ByteArrayInputStream(value);
  }

  @Override
  public byte[] parse(InputStream stream) {
    try {
      if (stream instanceof Drainable d && stream instanceof KnownLength) {
        byte[] out = new byte[stream.available()];
        Filler f = new Filler(out);
        d.drainTo(f);
        if (f.pos == out.length) {
          return out;
        }
        throw new IOException("message shorter than announced");
      }
      return stream.readAllBytes();
    } catch (IOException e) {
      throw Status.INTERNAL.withCause(e).asRuntimeException();
    }
  }

  /** Writes into a fixed array; more than fits is an error. */
  private static final class Filler extends OutputStream {
    private final byte[] out;
    private int pos;

    Filler(byte[] out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      if (len > out.length - pos) {
        throw new IOException("message longer than announced");
      }
      System.arraycopy(b, off, out, pos, len);
      pos += len;
    }
  }
}
