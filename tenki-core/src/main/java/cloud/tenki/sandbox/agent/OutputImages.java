package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.FileEntry;
import cloud.tenki.sandbox.TenkiException;
import java.time.Instant;
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
 */
final class OutputImages {
  /** At most this many images per call. */
  static final int MAX_IMAGES = 10;

  private Map<String, Stamp> before = Map.of();

  private record Stamp(long size, Instant modified) {}

  /** Makes sure the folder exists and records what is in it. */
  void snapshot(LiveSandbox live) {
    live.ensureDir(Settings.OUTPUT_DIR);
    before = list(live);
  }

  private static Map<String, Stamp> list(LiveSandbox live) {
    Map<String, Stamp> files = new HashMap<>();
    for (FileEntry e : live.sandbox.fs().list(Settings.OUTPUT_DIR, true)) {
      if (!e.directory()) {
        files.put(e.name(), new Stamp(e.size(), e.modifiedAt()));
      }
    }
    return files;
  }

  /** Adds the new images to {@code r} (content, {@code images} and a line of text). */
  void collect(Lease lease, ResultBuilder r) {
    LiveSandbox live = lease.live();
    Map<String, Stamp> after;
    try {
      after = list(live);
    } catch (TenkiException e) {
      return; // the folder is gone (removed by the code): nothing to show
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
