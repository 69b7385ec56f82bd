package cloud.tenki.sandbox.agent;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.Arrays;

/** Reads one file for {@code read_file}; see {@link ReadFileTool}. */
final class FileReader {
  private final Call call;
  private final LiveSandbox live;
  private final String path;
  private final long size;
  private final OutputBudget budget;

  FileReader(Call call, LiveSandbox live, String path, long size) {
    this.call = call;
    this.live = live;
    this.path = path;
    this.size = size;
    this.budget = call.settings.stdoutBudget();
  }

  /** Lines {@code start} to {@code end} (1-based, inclusive) as text. */
  ResultBuilder lines(long start, long end) {
    HeadTailBuffer buf = new HeadTailBuffer(budget);
    boolean countAll = size <= ReadFileTool.COUNT_LINES_MAX;
    long line = 1;
    long last = 0;
    boolean eof = false;
    byte lastByte = '\n';
    try (InputStream in = live.sandbox.fs().openRead(path)) {
      byte[] chunk = new byte[64 * 1024];
      int n;
      scan:
      while (true) {
        n = in.read(chunk);
        if (n <= 0) {
          eof = true;
          break;
        }
        lastByte = chunk[n - 1];
        for (int i = 0; i < n; ) {
          int nl = indexOf(chunk, i, n);
          int segEnd = nl < 0 ? n : nl + 1;
          if (line >= start && line <= end) {
            buf.write(chunk, i, segEnd - i);
            last = line;
          }
          if (nl >= 0) {
            line++;
          }
          i = segEnd;
          if (line > end && !countAll) {
            break scan;
          }
        }
      }
    } catch (IOException e) {
      throw rethrow(e);
    }
    Long total = eof ? (line - 1) + (size > 0 && lastByte != '\n' ? 1 : 0) : null;
    if (total != null && start > Math.max(total, 1)) {
      throw new ToolFailure(
          path
              + " has only "
              + Messages.count(total, "line")
              + "; start_line "
              + start
              + " is past the end.");
    }
    HeadTailBuffer.Rendered r =
        buf.render(
            "file",
            (first, omitted) -> {
              long from = start + first - 1;
              return "read them with read_file start_line="
                  + from
                  + " end_line="
                  + (from + omitted);
            });
    ResultBuilder out = text(r);
    out.put("start_line", start).put("end_line", last == 0 ? null : last).put("total_lines", total);
    out.line(
        path
            + ", lines "
            + start
            + "-"
            + (last == 0 ? start : last)
            + (total == null ? "" : " of " + total)
            + ":");
    return out.section("content", r.text());
  }

  /** The byte range as text, an image or base64 (per {@code encoding}). */
  ResultBuilder bytes(long offset, long length, String encoding, boolean rangeGiven) {
    if (offset > size) {
      throw new ToolFailure(
          "byte_offset " + offset + " is past the end of " + path + " (" + size + " bytes).");
    }
    long span = length < 0 ? size - offset : Math.min(length, size - offset);
    byte[] head = read(offset, (int) Math.min(span, ReadFileTool.SMALL));
    String kind = encoding;
    String mime = null;
    if (encoding.equals("auto")) {
      mime = !rangeGiven ? ImageTypes.detect(head) : null;
      kind =
          mime != null
              ? "image"
              : ReadFileTool.isText(head, head.length)
                  ? "text"
                  : ReadFileTool.isLegacyText(head, head.length) ? "legacy" : "base64";
    }
    return switch (kind) {
      case "image" -> image(mime, span <= head.length ? head : null);
      case "base64" -> base64(offset, span, head, rangeGiven);
      case "legacy" ->
          text(offset, span, head, rangeGiven)
              .put("utf8", false)
              .line(
                  "This is not UTF-8 (another encoding, Latin-1 perhaps): bytes that do not"
                      + " decode are shown as \uFFFD. encoding base64 gives the exact bytes;"
                      + " iconv can convert the file.");
      default -> text(offset, span, head, rangeGiven);
    };
  }

  private ResultBuilder image(String mime, byte[] whole) {
    if (size > ImageTypes.MAX_IMAGE_BYTES) {
      throw new ToolFailure(
          path
              + " is a "
              + Messages.size(size)
              + " image, larger than the "
              + Messages.size(ImageTypes.MAX_IMAGE_BYTES)
              + " that can be shown. Scale it down first, or read it as base64 with"
              + " byte_offset/byte_length.");
    }
    byte[] data = whole != null ? whole : read(0, (int) size);
    ResultBuilder r = new ResultBuilder();
    r.put("path", path).put("size_bytes", size).put("encoding", "image").put("mime_type", mime);
    r.put("bytes_read", (long) data.length).put("truncated", false);
    r.image(new ToolContent.Image(data, mime, path));
    r.line(path + " is a " + mime + " image (" + Messages.size(size) + ").");
    return r;
  }

  private ResultBuilder base64(long offset, long span, byte[] head, boolean rangeGiven) {
    int max = budget.maxChars() / 4 * 3;
    int n = (int) Math.min(span, max);
    byte[] data = n <= head.length ? Arrays.copyOf(head, n) : read(offset, n);
    boolean truncated = n < span;
    ResultBuilder r = new ResultBuilder();
    r.put("path", path).put("size_bytes", size).put("encoding", "base64");
    r.put("content", ReadFileTool.base64(data)).put("byte_offset", rangeGiven ? offset : null);
    r.put("bytes_read", (long) n).put("truncated", truncated);
    r.line(path + ", bytes " + offset + "-" + (offset + n) + " of " + size + ", base64:");
    r.section("content", ReadFileTool.base64(data));
    if (truncated) {
      r.line(
          "[... "
              + (span - n)
              + " more bytes; continue with read_file byte_offset="
              + (offset + n)
              + " ...]");
    }
    return r;
  }

  private ResultBuilder text(long offset, long span, byte[] head, boolean rangeGiven) {
    HeadTailBuffer buf = new HeadTailBuffer(budget);
    int edge = 4 * budget.maxChars();
    if (span <= head.length) {
      buf.write(head);
    } else if (span <= ReadFileTool.FULL_SCAN_MAX) {
      ReadFileTool.transfer(live.sandbox.fs().openRead(path, offset, span), buf);
    } else {
      buf.write(read(offset, edge));
      buf.skip(span - 2L * edge);
      buf.write(read(offset + span - edge, edge));
    }
    boolean exact = offset == 0 && span <= ReadFileTool.FULL_SCAN_MAX;
    HeadTailBuffer.Rendered r =
        buf.render(
            "file",
            exact
                ? (first, omitted) ->
                    "read them with read_file start_line="
                        + first
                        + " end_line="
                        + (first + omitted)
                : (first, omitted) -> "page through them with read_file byte_offset/byte_length");
    ResultBuilder out = text(r);
    out.put("byte_offset", rangeGiven ? offset : null).put("bytes_read", span);
    Long lines = exact && span == size ? buf.totalLines() : null;
    out.put("total_lines", lines);
    out.line(
        path
            + (rangeGiven
                ? ", bytes " + offset + "-" + (offset + span) + " of " + size
                : " ("
                    + Messages.size(size)
                    + (lines == null ? "" : ", " + Messages.count(lines, "line"))
                    + ")")
            + ":");
    return out.section("content", r.text());
  }

  private ResultBuilder text(HeadTailBuffer.Rendered r) {
    ResultBuilder out = new ResultBuilder();
    out.put("path", path).put("size_bytes", size).put("encoding", "text");
    out.put("content", r.text()).put("truncated", r.truncated());
    return out;
  }

  private byte[] read(long offset, int length) {
    if (length <= 0) {
      return new byte[0];
    }
    try (InputStream in = live.sandbox.fs().openRead(path, offset, length)) {
      return in.readAllBytes();
    } catch (IOException e) {
      throw rethrow(e);
    }
  }

  private static RuntimeException rethrow(IOException e) {
    if (e.getCause() instanceof cloud.tenki.sandbox.TenkiException te) {
      return te;
    }
    return new UncheckedIOException(e);
  }

  private static int indexOf(byte[] b, int from, int to) {
    for (int i = from; i < to; i++) {
      if (b[i] == '\n') {
        return i;
      }
    }
    return -1;
  }
}
