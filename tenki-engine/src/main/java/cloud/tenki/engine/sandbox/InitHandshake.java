package cloud.tenki.engine.sandbox;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Waits for a freshly launched sandbox init to report readiness: the init prints {@code ready} on
 * stdout once it runs inside its final root. Bounded: a launcher that hangs or dies is reported
 * with what it printed on stderr.
 */
final class InitHandshake {

  static final long TIMEOUT_MS = 15_000;

  private InitHandshake() {}

  /** Reads stdout until the word {@code ready}; returns normally or throws with the reason. */
  static void awaitReady(Process p, CompletableFuture<String> stderrText, String launcher)
      throws IOException {
    awaitReady(p, p.getInputStream(), stderrText, launcher);
  }

  /**
   * Reads {@code in} until a line {@code ready}; lines before it are the launcher's complaints and
   * become the error when {@code ready} never comes.
   */
  static void awaitReadyInterleaved(Process p, InputStream in, String launcher) throws IOException {
    StringBuilder said = new StringBuilder();
    CompletableFuture<String> complaints = new CompletableFuture<>();
    CompletableFuture<Boolean> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                while (said.length() < 8192) {
                  String line = readLine(in);
                  if (line.equals("ready")) {
                    return true;
                  }
                  if (line.isEmpty() && !p.isAlive()) {
                    break;
                  }
                  said.append(line).append('\n');
                }
              } catch (IOException e) {
                // fall through
              }
              complaints.complete(said.toString());
              return false;
            },
            IoThreads.POOL);
    finish(p, ready, complaints, launcher);
  }

  private static void awaitReady(
      Process p, InputStream in, CompletableFuture<String> stderrText, String launcher)
      throws IOException {
    CompletableFuture<Boolean> ready =
        CompletableFuture.supplyAsync(
            () -> {
              try {
                return readLine(in).equals("ready");
              } catch (IOException e) {
                return false;
              }
            },
            IoThreads.POOL);
    finish(p, ready, stderrText, launcher);
  }

  private static void finish(
      Process p,
      CompletableFuture<Boolean> ready,
      CompletableFuture<String> stderrText,
      String launcher)
      throws IOException {
    boolean ok;
    try {
      ok = ready.get(TIMEOUT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      ok = false;
    } catch (ExecutionException e) {
      ok = false;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      ok = false;
    }
    if (!ok) {
      p.destroyForcibly();
      String why;
      try {
        why = stderrText.get(2, TimeUnit.SECONDS);
      } catch (Exception e) {
        why = "";
      }
      throw new IOException(
          launcher + " could not start the sandbox: " + (why.isBlank() ? "no output" : why.trim()));
    }
  }

  static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n') {
      line.write(c);
      if (line.size() > 4096) {
        break;
      }
    }
    return line.toString(StandardCharsets.UTF_8).trim();
  }

  /** Reads a stream to its end (bounded to 64 KiB) on a background thread. */
  static CompletableFuture<String> drain(InputStream in) {
    return CompletableFuture.supplyAsync(
        () -> {
          try {
            return new String(in.readNBytes(64 * 1024), StandardCharsets.UTF_8);
          } catch (IOException e) {
            return "";
          }
        },
        IoThreads.POOL);
  }
}
