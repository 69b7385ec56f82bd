package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.FileStat;
import cloud.tenki.sandbox.NotFoundException;
import cloud.tenki.sandbox.SandboxFiles;
import cloud.tenki.sandbox.TenkiException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;

/** {@code write_file} and {@code edit_file}. */
final class WriteTools {
  private WriteTools() {}

  /** edit_file works on text files up to this size. */
  static final long EDIT_MAX = 8L * 1024 * 1024;

  static ToolResult write(Call call) {
    ToolArgs a = call.args;
    String path = Paths.resolve(a, "path", null);
    if (path.equals("/home/tenki")) {
      throw a.invalid("`path` must name a file, not /home/tenki itself");
    }
    if (a.string("path").endsWith("/")) {
      // the caller meant a folder; writing a file of that name would be a surprise
      throw a.invalid(
          "`path` ends with /, which names a folder; give the file's name, as in "
              + path
              + "/notes.txt (folders are created as needed)");
    }
    byte[] content;
    if (a.string("encoding", "text").equals("base64")) {
      try {
        // line breaks and spaces, as in wrapped base64, are ignored; anything else is an error
        content = Base64.getDecoder().decode(a.string("content").replaceAll("\\s", ""));
      } catch (IllegalArgumentException e) {
        throw a.invalid("`content` is not valid base64 (" + e.getMessage() + ")");
      }
    } else {
      content = a.string("content").getBytes(StandardCharsets.UTF_8);
    }
    boolean append = a.bool("append", false);
    try (Lease lease = call.lease()) {
      try {
        lease.first(
            live -> {
              writeCreatingParents(live.sandbox.fs(), path, content, append);
              return null;
            });
        SandboxFiles fs = lease.sandbox().fs();
        long size =
            append ? FollowedStat.follow(fs, path, fs.stat(path)).stat().size() : content.length;
        ResultBuilder r = new ResultBuilder();
        r.put("path", path).put("size_bytes", size).put("appended", append);
        r.line(
            (append ? "Appended " : "Wrote ")
                + Messages.size(content.length)
                + (append ? " to " : " to ")
                + path
                + (append ? " (now " + Messages.size(size) + ")." : "."));
        return r.notes(lease.notes()).build();
      } catch (TenkiException e) {
        throw writeFailure(call, lease, path, e);
      }
    }
  }

  private static void writeCreatingParents(
      SandboxFiles fs, String path, byte[] content, boolean append) {
    try {
      put(fs, path, content, append);
    } catch (NotFoundException e) {
      // a missing parent directory: create it and try once more
      fs.mkdir(path.substring(0, path.lastIndexOf('/')));
      put(fs, path, content, append);
    }
  }

  private static void put(SandboxFiles fs, String path, byte[] content, boolean append) {
    if (append) {
      fs.append(path, content);
    } else {
      fs.writeBytes(path, content);
    }
  }

  private static ToolFailure writeFailure(Call call, Lease lease, String path, TenkiException e) {
    try {
      FileStat st = lease.sandbox().fs().stat(path);
      if (st.directory()) {
        return new ToolFailure(path + " is a directory; give the path of a file inside it.");
      }
    } catch (TenkiException ignored) {
      // fall through to the backend's reason
    }
    return call.failure("write " + path, e, lease);
  }

  static ToolResult edit(Call call) {
    ToolArgs a = call.args;
    String path = Paths.resolve(a, "path", null);
    String oldText = a.string("old_text");
    String newText = a.string("new_text");
    if (oldText.isEmpty()) {
      throw a.invalid("`old_text` must not be empty; use write_file to create or replace a file");
    }
    if (oldText.equals(newText)) {
      throw a.invalid("`new_text` is the same as `old_text`; nothing would change");
    }
    boolean all = a.bool("replace_all", false);
    try (Lease lease = call.lease()) {
      try {
        FollowedStat followed =
            FollowedStat.follow(
                lease.sandbox().fs(), path, lease.first(l -> l.sandbox.fs().stat(path)));
        FileStat st = followed.stat();
        if (!st.exists()) {
          throw new ToolFailure(
              followed.notFound(path)
                  + ". Create it with write_file, or check the path with"
                  + " list_files.");
        }
        if (st.directory()) {
          throw new ToolFailure(path + " is a directory, not a file.");
        }
        if (st.size() > EDIT_MAX) {
          throw new ToolFailure(
              path
                  + " is "
                  + Messages.size(st.size())
                  + ", too large for edit_file (at most "
                  + Messages.size(EDIT_MAX)
                  + "); edit it with run_command (sed, python) instead.");
        }
        String text = decode(lease.sandbox().fs().readBytes(path), path);
        List<Integer> at = occurrences(text, oldText);
        boolean crlf = false;
        if (at.isEmpty() && text.contains("\r\n") && !oldText.contains("\r\n")) {
          // models write line breaks as \n; in a file with CRLF line endings they mean \r\n,
          // and the replacement gets the file's line endings too
          at = occurrences(text, oldText.replace("\n", "\r\n"));
          if (!at.isEmpty()) {
            crlf = true;
            oldText = oldText.replace("\n", "\r\n");
            newText = newText.replace("\r\n", "\n").replace("\n", "\r\n");
          }
        }
        if (at.isEmpty()) {
          throw new ToolFailure(notFound(path, text, oldText));
        }
        if (at.size() > 1 && !all) {
          throw new ToolFailure(
              "old_text occurs "
                  + at.size()
                  + " times in "
                  + path
                  + " (starting on lines "
                  + lineList(text, at)
                  + "). Include more surrounding lines to make it unique, or set replace_all to"
                  + " true to replace every occurrence.");
        }
        String updated =
            all ? text.replace(oldText, newText) : replaceFirst(text, at.get(0), oldText, newText);
        byte[] bytes = updated.getBytes(StandardCharsets.UTF_8);
        lease.sandbox().fs().writeBytes(path, bytes);
        ResultBuilder r = new ResultBuilder();
        r.put("path", path)
            .put("replacements", (long) at.size())
            .put("size_bytes", (long) bytes.length);
        r.line(
            "Replaced "
                + (at.size() == 1 ? "1 occurrence" : at.size() + " occurrences")
                + " in "
                + path
                + " (starting on line"
                + (at.size() == 1 ? " " : "s ")
                + lineList(text, at)
                + "); the file is now "
                + Messages.size(bytes.length)
                + (crlf ? "; line breaks were matched and written as CRLF, as in the file" : "")
                + ".");
        return r.notes(lease.notes()).build();
      } catch (TenkiException e) {
        throw call.failure("edit " + path, e, lease);
      }
    }
  }

  private static String decode(byte[] bytes, String path) {
    try {
      return StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT)
          .onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes))
          .toString();
    } catch (CharacterCodingException e) {
      throw new ToolFailure(
          path
              + " is not UTF-8 text; edit_file edits text files only. Use write_file or"
              + " run_command for binary files.");
    }
  }

  static List<Integer> occurrences(String text, String needle) {
    List<Integer> at = new ArrayList<>();
    for (int i = text.indexOf(needle); i >= 0; i = text.indexOf(needle, i + needle.length())) {
      at.add(i);
    }
    return at;
  }

  private static String replaceFirst(String text, int at, String oldText, String newText) {
    return text.substring(0, at) + newText + text.substring(at + oldText.length());
  }

  /** 1-based line numbers of the offsets, the first ten of them. */
  static String lineList(String text, List<Integer> offsets) {
    List<String> lines = new ArrayList<>();
    int line = 1;
    int pos = 0;
    for (int off : offsets) {
      for (; pos < off; pos++) {
        if (text.charAt(pos) == '\n') {
          line++;
        }
      }
      if (lines.size() == 10) {
        lines.add("...");
        break;
      }
      lines.add(Integer.toString(line));
    }
    return String.join(", ", lines);
  }

  /** The longest exact text a not-found message quotes from the file. */
  private static final int QUOTE_MAX = 2000;

  /** How many whitespace-insensitive matches a not-found message looks for. */
  private static final int LOOSE_MAX = 10;

  private static String notFound(String path, String text, String oldText) {
    String hint = "";
    List<LooseMatch.Span> loose = LooseMatch.find(text, oldText, LOOSE_MAX);
    if (loose.size() == 1) {
      LooseMatch.Span m = loose.get(0);
      String where =
          m.firstLine() == m.lastLine()
              ? "line " + m.firstLine()
              : "lines " + m.firstLine() + "-" + m.lastLine();
      hint =
          m.end() - m.start() <= QUOTE_MAX
              ? " It matches "
                  + where
                  + " when spaces and tabs are ignored; the exact text there is:\n"
                  + text.substring(m.start(), m.end())
              : " It matches "
                  + where
                  + " when spaces and tabs are ignored; read them with"
                  + " read_file and copy them exactly.";
    } else if (loose.size() > 1) {
      List<Integer> starts = new ArrayList<>();
      loose.forEach(m -> starts.add(m.start()));
      hint =
          " When spaces and tabs are ignored it matches "
              + (loose.size() == LOOSE_MAX
                  ? LOOSE_MAX + " or more"
                  : Integer.toString(loose.size()))
              + " places (starting on lines "
              + lineList(text, starts)
              + "); read them with read_file.";
    } else if (text.contains(oldText.strip()) && !oldText.strip().isEmpty()) {
      hint =
          " It matches when leading and trailing whitespace is ignored: check indentation"
              + " and line breaks.";
    }
    return "old_text was not found in "
        + path
        + "; it must match the file exactly, including whitespace and indentation. Read the"
        + " current content with read_file and try again."
        + hint;
  }
}
