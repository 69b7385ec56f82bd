package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.FileStat;
import cloud.tenki.sandbox.TenkiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * {@code read_file}: text (whole, a line range or a byte range) within the stdout budget with the
 * same head-and-tail cut as command output, images as image content, other bytes as base64.
 */
final class ReadFileTool {
  private ReadFileTool() {}

  /** Files up to this size are read in one request. */
  static final int SMALL = 64 * 1024;

  /** Text spans longer than this are shown from a head and a tail read; the middle is skipped. */
  static final long FULL_SCAN_MAX = 32L * 1024 * 1024;

  /** A line count is completed by reading on to the end only for files up to this size. */
  static final long COUNT_LINES_MAX = 8L * 1024 * 1024;

  static ToolResult read(Call call) {
    ToolArgs a = call.args;
    String path = Paths.resolve(a, "path", null);
    boolean lines = a.has("start_line") || a.has("end_line");
    boolean bytes = a.has("byte_offset") || a.has("byte_length");
    String encoding = a.string("encoding", "auto");
    if (lines && bytes) {
      throw a.invalid("use either start_line/end_line or byte_offset/byte_length, not both");
    }
    if (lines && encoding.equals("base64")) {
      throw a.invalid("line ranges are for text; use byte_offset/byte_length with base64");
    }
    if (lines && a.integer("start_line", 1) > a.integer("end_line", Long.MAX_VALUE)) {
      throw a.invalid("`start_line` must not be greater than `end_line`");
    }
    try (Lease lease = call.lease()) {
      FollowedStat followed =
          FollowedStat.follow(
              lease.sandbox().fs(), path, lease.first(l -> l.sandbox.fs().stat(path)));
      FileStat st = followed.stat();
      if (!st.exists()) {
        throw new ToolFailure(
            followed.notFound(path) + ". Check the name and folder with list_files.");
      }
      if (st.directory()) {
        throw new ToolFailure(path + " is a directory; use list_files to see what is in it.");
      }
      try {
        FileReader reader = new FileReader(call, lease.live(), path, st.size());
        ResultBuilder r =
            lines
                ? reader.lines(a.integer("start_line", 1), a.integer("end_line", Long.MAX_VALUE))
                : reader.bytes(
                    a.integer("byte_offset", 0), a.integer("byte_length", -1), encoding, bytes);
        return r.notes(lease.notes()).build();
      } catch (TenkiException e) {
        throw call.failure("read " + path, e, lease);
      } catch (UncheckedIOException e) {
        throw new ToolFailure("Could not read " + path + ": the transfer was interrupted.");
      }
    }
  }

  /** Whether {@code data} is UTF-8 text (no NUL; an incomplete last character is allowed). */
  static boolean isText(byte[] data, int length) {
    for (int i = 0; i < length; i++) {
      if (data[i] == 0) {
        return false;
      }
    }
    var decoder =
        StandardCharsets.UTF_8
            .newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT);
    try {
      var out = java.nio.CharBuffer.allocate(length + 1);
      var result = decoder.decode(ByteBuffer.wrap(data, 0, length), out, false);
      if (result.isError()) {
        result.throwException();
      }
      return true;
    } catch (CharacterCodingException e) {
      return false;
    }
  }

  /**
   * Whether {@code data}, which is not UTF-8, still reads as text in some other encoding (Latin-1,
   * Windows-1252): no NUL and hardly any control characters besides tab, line and page breaks,
   * backspace and escape. Binary data has about one control byte in nine.
   */
  static boolean isLegacyText(byte[] data, int length) {
    int control = 0;
    for (int i = 0; i < length; i++) {
      int b = data[i] & 0xff;
      if (b == 0) {
        return false;
      }
      if (b < 0x20 && b != '\t' && b != '\n' && b != '\r' && b != '\f' && b != 0x0b && b != 0x08
          && b != 0x1b) {
        control++;
      }
    }
    return length > 0 && control * 100L <= length;
  }

  static String base64(byte[] data) {
    return Base64.getEncoder().encodeToString(data);
  }

  static void transfer(InputStream in, HeadTailBuffer buffer) {
    byte[] chunk = new byte[64 * 1024];
    try (in) {
      int n;
      while ((n = in.read(chunk)) > 0) {
        buffer.write(chunk, 0, n);
      }
    } catch (IOException e) {
      if (e.getCause() instanceof TenkiException te) {
        throw te;
      }
      throw new UncheckedIOException(e);
    }
  }
}
