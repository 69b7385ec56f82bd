package cloud.tenki.engine;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * An HTTP/1.1 request written by hand on a socket, for requests no well-behaved client sends: a
 * body that never comes, one cut off half-way, one that never ends, a reply read while the body is
 * still open. Closing closes the socket.
 */
final class RawHttp implements AutoCloseable {

  /** A response: status, head (status line and headers) and body. */
  record Reply(int status, String head, String body) {}

  private final Socket socket;
  private final OutputStream out;

  /** Opens a connection and sends a POST's head; {@code contentLength} -1 means chunked. */
  RawHttp(String endpoint, String path, long contentLength, String... headers) throws IOException {
    URI u = URI.create(endpoint);
    socket = new Socket(u.getHost(), u.getPort());
    socket.setSoTimeout(30_000);
    out = socket.getOutputStream();
    StringBuilder head = new StringBuilder();
    head.append("POST ").append(path).append(" HTTP/1.1\r\n");
    head.append("Host: ").append(u.getHost()).append(':').append(u.getPort()).append("\r\n");
    for (int i = 0; i < headers.length; i += 2) {
      head.append(headers[i]).append(": ").append(headers[i + 1]).append("\r\n");
    }
    head.append(
        contentLength >= 0
            ? "Content-Length: " + contentLength + "\r\n"
            : "Transfer-Encoding: chunked\r\n");
    head.append("\r\n");
    out.write(head.toString().getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Sends body bytes as they are. */
  void send(byte[] bytes) throws IOException {
    out.write(bytes);
    out.flush();
  }

  /** Sends one chunk of a chunked body. */
  void sendChunk(byte[] bytes) throws IOException {
    out.write((Integer.toHexString(bytes.length) + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.write(bytes);
    out.write("\r\n".getBytes(StandardCharsets.US_ASCII));
    out.flush();
  }

  /** Whether the server has started answering (some bytes are waiting to be read). */
  boolean answered() throws IOException {
    return socket.getInputStream().available() > 0;
  }

  /** Reads the response (head and a Content-Length body). */
  Reply reply() throws IOException {
    InputStream in = socket.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    while (!head.toString(StandardCharsets.ISO_8859_1).endsWith("\r\n\r\n")) {
      int c = in.read();
      if (c < 0) {
        throw new IOException("connection closed in the response head: " + head);
      }
      head.write(c);
    }
    String[] lines = head.toString(StandardCharsets.ISO_8859_1).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    int length = 0;
    for (String l : lines) {
      if (l.toLowerCase(Locale.ROOT).startsWith("content-length:")) {
        length = Integer.parseInt(l.substring(l.indexOf(':') + 1).trim());
      }
    }
    return new Reply(
        status,
        head.toString(StandardCharsets.ISO_8859_1),
        new String(in.readNBytes(length), StandardCharsets.UTF_8));
  }

  @Override
  public void close() throws IOException {
    socket.close();
  }
}
