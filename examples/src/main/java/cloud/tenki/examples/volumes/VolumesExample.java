package cloud.tenki.examples.volumes;

import cloud.tenki.examples.support.ExampleClients;
import cloud.tenki.examples.support.HostHttp;
import cloud.tenki.sandbox.ConflictException;
import cloud.tenki.sandbox.CreatePreviewUrlOptions;
import cloud.tenki.sandbox.PreviewUrl;
import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.Volume;
import java.io.PrintStream;
import java.time.Duration;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;

/**
 * Volumes and preview URLs. A volume outlives sandboxes: one sandbox writes to it, a second one
 * mounts it read-only and reads what the first wrote. A named preview URL makes a port of a sandbox
 * reachable over HTTP; it is fetched from this machine, then moved to another sandbox, keeping its
 * URL.
 *
 * <p>Run it (without {@code TENKI_API_KEY} the sandboxes run in the embedded local engine, which
 * mounts volumes only when it runs as root on a machine with loop devices; elsewhere the example
 * says so and shows the preview URLs only):
 *
 * <pre>
 * ./mvnw -q -pl examples -am verify -DskipTests -Pvolumes
 * </pre>
 */
public final class VolumesExample {
  static final long SIZE = 64L * 1024 * 1024;
  static final int PORT = 8080;

  private VolumesExample() {}

  public static void main(String[] args) {
    try (TenkiClient client = ExampleClients.fromEnvironment()) {
      runVolumes(client, System.out);
      System.out.println();
      runPreviewUrl(client, System.out);
    }
  }

  /**
   * Shares a file between two sandboxes through a volume. Returns {@code false}, after saying why,
   * when the backend cannot mount volumes; everything it creates is removed either way.
   */
  public static boolean runVolumes(TenkiClient client, PrintStream out) {
    Volume volume = null;
    try (Sandbox writer = client.sandboxes().create()) {
      String workspace = writer.info().workspaceId();
      volume = client.volumes().create(workspace, "examples-" + randomSuffix(), SIZE);
      out.println(
          "volume " + volume.name() + " (" + volume.id() + "), " + SIZE / (1 << 20) + " MiB");
      try {
        client.volumes().attach(writer.id(), volume.id(), "/mnt/data", false);
      } catch (ConflictException e) {
        out.println(unsupported(e));
        return false;
      }
      writer
          .shell("echo \"written by $(hostname) at $(date -u +%H:%M:%S)\" > /mnt/data/greeting.txt")
          .check();
      out.println("sandbox 1 (" + writer.id() + ") mounted it at /mnt/data and wrote greeting.txt");
      client.volumes().detach(writer.id(), volume.id(), false);
      readInSecondSandbox(client, volume, out);
      return true;
    } finally {
      if (volume != null) {
        client.volumes().delete(volume.id());
        out.println("volume deleted");
      }
    }
  }

  private static void readInSecondSandbox(TenkiClient client, Volume volume, PrintStream out) {
    try (Sandbox reader = client.sandboxes().create()) {
      client.volumes().attach(reader.id(), volume.id(), "/home/tenki/shared", true);
      String text = reader.fs().readText("shared/greeting.txt").strip();
      out.println("sandbox 2 (" + reader.id() + ") mounted it read-only at ~/shared and read:");
      out.println("  " + text);
      String refused = reader.shell("touch shared/new.txt 2>&1 || true").stdoutText().strip();
      out.println("  writing there fails: " + refused);
      client.volumes().detach(reader.id(), volume.id(), false);
    }
  }

  private static String unsupported(ConflictException e) {
    return "Volumes are not available here: "
        + e.getMessage()
        + "\nThe local engine stores volumes as ext4 images and mounts them with loop devices, so"
        + " it must run as root, with isolation, on a machine with /dev/loop-control (as CI does)."
        + " Run this example"
        + " as root, or against Tenki Cloud (set TENKI_API_KEY).";
  }

  /**
   * Serves HTTP in a sandbox, gives it a named preview URL, fetches it from this machine, then
   * binds the same URL to a second sandbox. The preview URL is deleted at the end.
   */
  public static void runPreviewUrl(TenkiClient client, PrintStream out) {
    try (Sandbox first = serving(client, "first");
        Sandbox second = serving(client, "second")) {
      String slug = "examples-" + randomSuffix();
      PreviewUrl preview =
          client
              .previewUrls()
              .create(
                  CreatePreviewUrlOptions.builder(slug).sessionId(first.id()).port(PORT).build());
      try {
        out.println("preview URL " + preview.slug() + " -> port " + PORT + ": " + preview.url());
        out.println("  GET from this machine: " + fetch(preview.url()));
        client.previewUrls().bind(preview.id(), second.id(), PORT);
        out.println("  bound to the second sandbox, same URL: " + fetch(preview.url()));
      } finally {
        client.previewUrls().delete(preview.id());
        out.println("preview URL deleted");
      }
    }
  }

  /** A sandbox with a web server on {@link #PORT} whose page names {@code who}. */
  private static Sandbox serving(TenkiClient client, String who) {
    Sandbox sb = client.sandboxes().create();
    try {
      sb.fs().writeText("www/index.html", "hello from the " + who + " sandbox\n");
      sb.shell("cd www && nohup python3 -m http.server " + PORT + " >/tmp/http.log 2>&1 &").check();
      return sb;
    } catch (RuntimeException e) {
      sb.close();
      throw e;
    }
  }

  private static String fetch(String url) {
    return HostHttp.getWhenReady(url, Duration.ofSeconds(30)).strip();
  }

  private static String randomSuffix() {
    return HexFormat.of().toHexDigits(ThreadLocalRandom.current().nextInt());
  }
}
