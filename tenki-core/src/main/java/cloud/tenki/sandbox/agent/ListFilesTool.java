package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.ExecOptions;
import cloud.tenki.sandbox.ExecResult;
import cloud.tenki.sandbox.TenkiException;
import cloud.tenki.sandbox.internal.dataplane.SandboxPaths;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * {@code list_files}: one {@code find} in the sandbox lists the tree to the requested depth (types,
 * sizes, symlinks as symlinks, nothing followed), bounded in entries; a second count gives the
 * total.
 */
final class ListFilesTool {
  private ListFilesTool() {}

  /**
   * In the directory {@code $1} (relative to home, where it starts), prints the first {@code $3}
   * entries in byte order of their paths, each as "type size path" ended by NUL, then "\0#" and the
   * total number of entries. {@code $2} is the depth; the remaining arguments prune hidden entries.
   * Exits {@link #NOT_FOUND}, {@link #NOT_A_DIRECTORY} or {@link #CANNOT_ENTER} (with the shell's
   * message) instead when {@code $1} is no directory it can list. Sorting before the cut matters:
   * {@code find} walks in the file system's own order, so its first entries are an arbitrary sample
   * of a large directory.
   */
  private static final String SCRIPT =
      "[ -e \"$1\" ] || exit 3; [ -d \"$1\" ] || exit 4; cd -- \"$1\" || exit 5\n"
          + "d=$2; n=$3; shift 3; find . -mindepth 1 -maxdepth \"$d\" \"$@\" -printf '%y %s %P\\0'"
          + " | LC_ALL=C sort -z -t ' ' -k 3 | head -z -n \"$n\"; printf '\\0#';"
          + " find . -mindepth 1 -maxdepth \"$d\" \"$@\" -printf . | wc -c";

  private static final int NOT_FOUND = 3;
  private static final int NOT_A_DIRECTORY = 4;
  private static final int CANNOT_ENTER = 5;

  record Entry(String path, String type, long size) {}

  static ToolResult list(Call call) {
    ToolArgs a = call.args;
    String dir = Paths.resolve(a, "path", "/home/tenki");
    long depth = a.integer("depth", 1);
    boolean hidden = a.bool("include_hidden", false);
    int max = maxEntries(call.settings.stdoutBudget());
    try (Lease lease = call.lease()) {
      try {
        // one command, started in home, checks the directory and lists it
        String inHome =
            dir.equals(SandboxPaths.HOME) ? "." : dir.substring(SandboxPaths.HOME.length() + 1);
        List<String> argv = new ArrayList<>(List.of("sh", "-c", SCRIPT, "sh", inHome));
        argv.add(Long.toString(depth));
        argv.add(Integer.toString(max));
        if (!hidden) {
          argv.addAll(List.of("-name", ".*", "-prune", "-o"));
        }
        ExecOptions options =
            ExecOptions.builder(argv)
                .cwd(SandboxPaths.HOME)
                .timeout(Duration.ofSeconds(60))
                .maxOutputBytes(4L * 1024 * 1024)
                .build();
        ExecResult r = lease.first(l -> l.sandbox.exec(options));
        switch (r.exitCode()) {
          case NOT_FOUND ->
              throw new ToolFailure("Directory not found: " + dir + ". List its parent to check.");
          case NOT_A_DIRECTORY ->
              throw new ToolFailure(dir + " is a file, not a directory; read it with read_file.");
          case CANNOT_ENTER ->
              throw new ToolFailure(
                  dir
                      + " cannot be listed: "
                      + r.stderrText().strip().replaceFirst("^sh: \\d+: ", ""));
          default -> {
            // listed
          }
        }
        return render(call, dir, depth, parse(r.stdoutBytes()), r, max)
            .notes(lease.notes())
            .build();
      } catch (TenkiException e) {
        throw call.failure("list " + dir, e, lease);
      }
    }
  }

  /** Entries that fit the budget at about 40 characters a line, between 50 and 1000. */
  static int maxEntries(OutputBudget budget) {
    return Math.max(50, Math.min(1000, budget.maxChars() / 40));
  }

  private record Parsed(List<Entry> entries, long total) {}

  private static Parsed parse(byte[] out) {
    String s = new String(out, StandardCharsets.UTF_8);
    int mark = s.lastIndexOf("\0#");
    long total = -1;
    String list = s;
    if (mark >= 0) {
      list = s.substring(0, mark);
      try {
        total = Long.parseLong(s.substring(mark + 2).strip());
      } catch (NumberFormatException e) {
        total = -1;
      }
    }
    List<Entry> entries = new ArrayList<>();
    for (String record : list.split("\0")) {
      // "type size path": the path is the rest, spaces included
      int a = record.indexOf(' ');
      int b = a < 0 ? -1 : record.indexOf(' ', a + 1);
      if (b < 0) {
        continue;
      }
      long size;
      try {
        size = Long.parseLong(record.substring(a + 1, b));
      } catch (NumberFormatException e) {
        continue;
      }
      entries.add(new Entry(record.substring(b + 1), type(record.substring(0, a)), size));
    }
    entries.sort(Comparator.comparing(Entry::path));
    return new Parsed(entries, total < 0 ? entries.size() : total);
  }

  private static final int MAX_UNREADABLE = 10;

  /**
   * The folders find could not read ({@code find: './x': Permission denied}, with straight or
   * typographic quotes by locale), as {@code x/}, the first ten.
   */
  static List<String> unreadable(String stderr) {
    List<String> out = new ArrayList<>();
    String suffix = ": Permission denied";
    for (String line : stderr.split("\n")) {
      if (out.size() == MAX_UNREADABLE) {
        break;
      }
      if (!line.startsWith("find: ") || !line.endsWith(suffix)) {
        continue;
      }
      String quoted = line.substring("find: ".length(), line.length() - suffix.length());
      if (quoted.length() < 2) {
        continue;
      }
      String p = quoted.substring(1, quoted.length() - 1);
      p = p.startsWith("./") ? p.substring(2) : p;
      if (!p.isEmpty() && !p.equals(".") && !out.contains(p + "/")) {
        out.add(p + "/");
      }
    }
    return out;
  }

  private static String type(String findType) {
    return switch (findType) {
      case "f" -> "file";
      case "d" -> "directory";
      case "l" -> "symlink";
      default -> "other";
    };
  }

  private static ResultBuilder render(
      Call call, String dir, long depth, Parsed p, ExecResult r, int max) {
    boolean truncated = p.total() > p.entries().size();
    List<Map<String, Object>> entries = new ArrayList<>();
    StringBuilder text = new StringBuilder();
    for (Entry e : p.entries()) {
      Map<String, Object> m = new LinkedHashMap<>();
      m.put("path", e.path());
      m.put("type", e.type());
      if (e.type().equals("file")) {
        m.put("size_bytes", e.size());
      }
      entries.add(m);
      text.append(e.path());
      switch (e.type()) {
        case "directory" -> text.append('/');
        case "symlink" -> text.append(" (symlink)");
        case "file" -> text.append("  ").append(Messages.size(e.size()));
        default -> text.append(" (special file)");
      }
      text.append('\n');
    }
    HeadTailBuffer buf = new HeadTailBuffer(call.settings.stdoutBudget());
    buf.write(text.toString().getBytes(StandardCharsets.UTF_8));
    HeadTailBuffer.Rendered shown =
        buf.render("listing", (a, b) -> "list a subdirectory or use a smaller depth");
    ResultBuilder out = new ResultBuilder();
    out.put("path", dir).put("entries", entries).put("total_entries", p.total());
    out.put("truncated", truncated || shown.truncated());
    out.line(
        dir
            + " ("
            + p.total()
            + (p.total() == 1 ? " entry" : " entries")
            + (depth > 1 ? ", " + depth + " levels deep" : "")
            + (truncated ? ", first " + p.entries().size() + " shown" : "")
            + "):");
    if (p.entries().isEmpty()) {
      out.line("(empty)");
    } else {
      out.line(shown.text().stripTrailing());
    }
    if (truncated) {
      out.line(
          "[... "
              + (p.total() - p.entries().size())
              + " more entries not listed (at most "
              + max
              + "); list a subdirectory or use a smaller depth ...]");
    }
    List<String> unreadable = unreadable(r.stderrText());
    if (!unreadable.isEmpty()) {
      out.put("unreadable", unreadable);
      out.line(
          "Not listed, the sandbox user may not read them: "
              + String.join(", ", unreadable)
              + (unreadable.size() == MAX_UNREADABLE ? ", ..." : "")
              + ".");
    }
    if (r.timedOut()) {
      out.line("[listing stopped after 60 s; the tree is very large]");
    }
    return out;
  }
}
