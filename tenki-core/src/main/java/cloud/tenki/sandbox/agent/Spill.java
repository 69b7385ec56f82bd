package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.TenkiException;
import java.io.IOException;
import java.io.OutputStream;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A file in the sandbox that receives a stream's full output once it outgrows its budget, up to a
 * cap. Writes are streamed with flow control (a slow upload slows the command rather than growing a
 * buffer). A failed spill never fails the command: it stops and says why.
 *
 * <p>Not thread-safe: one stream's chunks arrive one at a time.
 */
final class Spill {
  private static final Logger log = LoggerFactory.getLogger(Spill.class);

  private final LiveSandbox live;
  private final String path;
  private final long cap;
  private OutputStream out;
  private long written;
  private boolean capped;
  private boolean done;
  private String failure;

  Spill(LiveSandbox live, String path, long cap) {
    this.live = live;
    this.path = path;
    this.cap = cap;
  }

  String path() {
    return path;
  }

  void write(byte[] bytes, int offset, int length) {
    if (done || length <= 0) {
      return;
    }
    try {
      if (out == null) {
        live.ensureDir(Settings.SPILL_DIR);
        out = live.sandbox.fs().openWrite(path);
      }
      long room = cap - written;
      int n = (int) Math.min(length, room);
      out.write(bytes, offset, n);
      written += n;
      if (n < length) {
        capped = true;
        finish();
      }
    } catch (IOException | TenkiException e) {
      fail(e);
    }
  }

  /** Sends what is buffered, so the file shows the output so far. */
  void flush() {
    if (!done && out != null) {
      try {
        out.flush();
      } catch (IOException | TenkiException e) {
        fail(e);
      }
    }
  }

  /** Completes the file; idempotent. */
  void finish() {
    if (done) {
      return;
    }
    done = true;
    if (out != null) {
      try {
        out.close();
      } catch (IOException | TenkiException e) {
        fail(e);
      }
    }
  }

  private void fail(Exception e) {
    done = true;
    if (failure == null) {
      failure = e instanceof TenkiException te ? te.code().replace('_', ' ') : "write failed";
      log.debug("spilling output failed: {}", e.toString());
      live.forgetDir(Settings.SPILL_DIR);
    }
    if (out != null) {
      try {
        out.close();
      } catch (IOException | RuntimeException ignored) {
        // already failed; the reason is recorded
      }
    }
  }

  /** Whether the file holds a usable prefix of the output. */
  boolean usable() {
    return failure == null && written > 0;
  }

  /** The marker's pointer to the file (what it holds and how to read it), or null if unusable. */
  String describe() {
    if (failure != null) {
      return "the full output could not be saved (" + failure + ")";
    }
    if (!usable()) {
      return null;
    }
    if (capped) {
      return "the first "
          + Messages.size(written)
          + " of it are saved in "
          + path
          + " (page through it with read_file; the rest was not saved)";
    }
    return "full output in " + path + " (page through it with read_file)";
  }

  boolean capped() {
    return capped;
  }
}
