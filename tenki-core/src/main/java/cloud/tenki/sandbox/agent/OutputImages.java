package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.FileEntry;
import cloud.tenki.sandbox.TenkiException;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * The images a {@code run_code} call creates or changes in {@code $TENKI_OUTPUT_DIR}: the folder is
 * listed before and after the run, and new or modified files with an image extension whose bytes
 * are a PNG, JPEG, GIF, WebP or SVG image come back as image content.
 *
 * <p>Usually the run itself records the folder: one launch in the sandbox writes the code (passed
 * in a variable it removes before the interpreter starts), lists the folder into a file and execs
 * the interpreter; afterwards one more command prints that listing and the folder's new one. Code
 * that cannot travel in a variable (too long, or holding NUL) is written and the folder listed
 * through the file API instead, as separate requests.
 */
final class OutputImages {
  /** At most this many images per call. */
  static final int MAX_IMAGES = 10;

  /** Appended to the code file's path to name the file holding the folder's listing. */
  static final String LISTING_SUFFIX = ".outputs";

  /** The variable that carries the code into the sandbox; gone before the interpreter starts. */
  static final String SOURCE_VARIABLE = "TENKI_RUN_CODE_SOURCE";

  /**
   * Longest code (in UTF-8 bytes) sent in a variable: one string of a process's environment may
   * hold 128 KiB, name included.
   */
  static final int MAX_SOURCE_BYTES = 96 * 1024;

  /** {@code find} arguments after the folder: its regular files as NUL-ended records. */
  static final String FORMAT = " -mindepth 1 -maxdepth 1 -type f -printf '%s %T@ %P\\0'";

  /**
   * {@code sh -c} script: {@code $1} listing file, {@code $2} output folder. Prints the recorded
   * listing, an empty record, then the folder's listing now, and removes the recorded one; exits
   * non-zero when either is missing.
   */
  private static final String COMPARE =
      "[ -f \"$1\" ] || exit 3\n"
          + "cat -- \"$1\" && rm -f -- \"$1\" && printf '\\0' || exit 3\n"
          + "exec find \"$2\""
          + FORMAT
          + "\n";

  private final String listingFile;
  private Map<String, Stamp> before = Map.of();

  private record Stamp(long size, String modified) {}

  private OutputImages(String listingFile) {
    this.listingFile = listingFile;
  }

  /** Watches a run that records the folder itself into {@code listingFile}. */
  static OutputImages recordedBy(String listingFile) {
    return new OutputImages(listingFile);
  }

  /** Watches a run whose folder is listed through the file API ({@link #snapshot}). */
  static OutputImages listedThroughTheApi() {
    return new OutputImages(null);
  }

  String listingFile() {
    return listingFile;
  }

  /** Whether {@code code} can travel in {@link #SOURCE_VARIABLE}. */
  static boolean fitsInOneLaunch(String code) {
    return code.indexOf('\0') < 0
        && code.length() <= MAX_SOURCE_BYTES
        && code.getBytes(java.nio.charset.StandardCharsets.UTF_8).length <= MAX_SOURCE_BYTES;
  }

  /** {@code plan} with the code in {@link #SOURCE_VARIABLE} (over any variable of that name). */
  static CommandPlan withSource(CommandPlan plan, String code) {
    Map<String, String> env = new java.util.LinkedHashMap<>(plan.env());
    env.put(SOURCE_VARIABLE, code);
    return new CommandPlan(
        plan.argv(), plan.cwd(), env, plan.stdin(), plan.timeout(), plan.shown());
  }

  /** Makes sure the folder exists and records what is in it. */
  void snapshot(LiveSandbox live) {
    live.ensureDir(Settings.OUTPUT_DIR);
    before = list(live);
  }

  private static Map<String, Stamp> list(LiveSandbox live) {
    Map<String, Stamp> files = new HashMap<>();
    for (FileEntry e : live.sandbox.fs().list(Settings.OUTPUT_DIR, true)) {
      if (!e.directory()) {
        files.put(e.name(), new Stamp(e.size(), String.valueOf(e.modifiedAt())));
      }
    }
    return files;
  }

  /** The recorded listing and the one now, from the sandbox; null when it cannot tell. */
  private Map<String, Stamp> compare(LiveSandbox live) {
    cloud.tenki.sandbox.ExecResult r =
        live.sandbox.exec(
            cloud.tenki.sandbox.ExecOptions.builder(
                    "sh", "-c", COMPARE, "sh", listingFile, Settings.OUTPUT_DIR)
                .build());
    if (r.exitCode() != 0) {
      return null; // the folder is gone (removed by the code)
    }
    String[] records =
        new String(r.stdoutBytes(), java.nio.charset.StandardCharsets.UTF_8).split("\0", -1);
    Map<String, Stamp> recorded = new HashMap<>();
    Map<String, Stamp> now = new HashMap<>();
    Map<String, Stamp> into = recorded;
    for (String rec : records) {
      if (rec.isEmpty()) {
        into = now; // the empty record between the two listings (and the end)
        continue;
      }
      int a = rec.indexOf(' ');
      int b = a < 0 ? -1 : rec.indexOf(' ', a + 1);
      if (b < 0) {
        continue;
      }
      try {
        into.put(
            rec.substring(b + 1),
            new Stamp(Long.parseLong(rec.substring(0, a)), rec.substring(a + 1, b)));
      } catch (NumberFormatException e) {
        // not a record of ours
      }
    }
    before = recorded;
    return now;
  }

  /** Adds the new images to {@code r} (content, {@code images} and a line of text). */
  void collect(Lease lease, ResultBuilder r) {
    LiveSandbox live = lease.live();
    Map<String, Stamp> after;
    try {
      after = listingFile != null ? compare(live) : list(live);
    } catch (TenkiException e) {
      return; // the folder is gone (removed by the code): nothing to show
    }
    if (after == null) {
      return;
    }
    List<Map<String, Object>> shown = new ArrayList<>();
    List<String> lines = new ArrayList<>();
    for (Map.Entry<String, Stamp> e : new java.util.TreeMap<>(after).entrySet()) {
      String name = e.getKey();
      if (!ImageTypes.hasImageExtension(name) || Objects.equals(before.get(name), e.getValue())) {
        continue;
      }
      String path = Settings.OUTPUT_DIR + "/" + name;
      long size = e.getValue().size();
      if (shown.size() >= MAX_IMAGES) {
        lines.add(path + " (not shown: at most " + MAX_IMAGES + " images per call)");
      } else if (size > ImageTypes.MAX_IMAGE_BYTES) {
        lines.add(
            path
                + " ("
                + Messages.size(size)
                + ", not shown: larger than "
                + Messages.size(ImageTypes.MAX_IMAGE_BYTES)
                + ")");
      } else {
        show(live, path, lines, shown, r);
      }
    }
    if (!lines.isEmpty()) {
      r.line("Images in " + Settings.OUTPUT_DIR + ":");
      lines.forEach(l -> r.line("  " + l));
    }
    if (!shown.isEmpty()) {
      r.put("images", shown);
    }
  }

  private static void show(
      LiveSandbox live,
      String path,
      List<String> lines,
      List<Map<String, Object>> shown,
      ResultBuilder r) {
    byte[] data;
    try {
      data = live.sandbox.fs().readBytes(path);
    } catch (TenkiException e) {
      lines.add(path + " (not shown: could not be read)");
      return;
    }
    String mime = ImageTypes.detect(data);
    if (mime == null) {
      lines.add(path + " (not shown: not a PNG, JPEG, GIF, WebP or SVG image)");
      return;
    }
    r.image(new ToolContent.Image(data, mime, path));
    Map<String, Object> image = new LinkedHashMap<>();
    image.put("path", path);
    image.put("mime_type", mime);
    image.put("size_bytes", (long) data.length);
    shown.add(image);
    lines.add(path + " (" + mime + ", " + Messages.size(data.length) + ")");
  }
}
