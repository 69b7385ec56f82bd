package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.ExecResult;
import cloud.tenki.sandbox.SandboxProcess;
import cloud.tenki.sandbox.Signal;
import cloud.tenki.sandbox.TenkiException;
import java.time.Duration;
import java.util.Optional;

/**
 * A process started with {@code run_command background: true}: it runs on in the sandbox while the
 * toolkit keeps a bounded ring of its recent output per stream (and spills the full output to a
 * file once it outgrows the budget), so the model can read what is new and stop it later.
 *
 * <p>Thread-safe: output arrives on SDK threads while tool calls read, wait and stop.
 */
final class BackgroundProcess {
  final String id;
  final String command;
  private final Out stdout;
  private final Out stderr;
  private volatile SandboxProcess process;
  private ExecResult exit; // guarded by this
  private String endedBy; // guarded by this

  BackgroundProcess(
      String id, String command, LiveSandbox live, Settings settings, String spillStem) {
    this.id = id;
    this.command = command;
    this.stdout = new Out("stdout", settings.stdoutBudget(), live, settings, spillStem);
    this.stderr = new Out("stderr", settings.stderrBudget(), live, settings, spillStem);
  }

  void attach(SandboxProcess p) {
    this.process = p;
  }

  SandboxProcess process() {
    return process;
  }

  void onStdout(byte[] chunk) {
    write(stdout, chunk);
  }

  void onStderr(byte[] chunk) {
    write(stderr, chunk);
  }

  private synchronized void write(Out out, byte[] chunk) {
    out.write(chunk);
    notifyAll();
  }

  /** Whether it still runs; records its exit status once it has ended. */
  synchronized boolean running() {
    if (exit != null || endedBy != null) {
      return false;
    }
    SandboxProcess p = process;
    if (p == null || p.isAlive()) {
      return p != null;
    }
    try {
      Optional<ExecResult> r = p.waitFor(Duration.ZERO);
      r.ifPresent(x -> exit = x);
    } catch (TenkiException e) {
      endedBy = "its connection to the sandbox was lost";
    }
    if (exit == null && endedBy == null) {
      endedBy = "it ended without reporting an exit status";
    }
    stdout.finish();
    stderr.finish();
    return false;
  }

  /**
   * Waits until there is unread output or the process has ended, at most {@code wait} (or until
   * {@code cancelled} says so).
   */
  void awaitNews(Duration wait, java.util.function.BooleanSupplier cancelled) {
    long end = System.nanoTime() + wait.toNanos();
    synchronized (this) {
      while (running() && !stdout.ring.hasNew() && !stderr.ring.hasNew()) {
        long left = end - System.nanoTime();
        if (left <= 0 || cancelled.getAsBoolean()) {
          return;
        }
        try {
          // exits are noticed by polling: the SDK offers no exit callback
          wait(Math.max(1, Math.min(100, left / 1_000_000)));
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          return;
        }
      }
    }
  }

  /** Output since the last read, within the budgets, and the state. */
  synchronized Snapshot read() {
    boolean alive = running();
    return new Snapshot(alive, stdout.readNew(!alive), stderr.readNew(!alive), exit, endedBy);
  }

  /** SIGTERM, then SIGKILL after {@code grace}; waits for the end (bounded). */
  void stop(Duration grace) {
    SandboxProcess p = process;
    if (p == null || !running()) {
      return;
    }
    try {
      p.signal(Signal.TERM);
      if (p.waitFor(grace).isEmpty()) {
        p.kill();
        p.waitFor(grace);
      }
    } catch (TenkiException e) {
      // the stream is gone; the process with it
    }
    synchronized (this) {
      if (running()) {
        endedBy = "it was stopped";
      }
    }
  }

  /** Ends the process (if running) and releases its stream, with {@code why} as its end. */
  void close(String why) {
    SandboxProcess p = process;
    synchronized (this) {
      if (exit == null && endedBy == null && p != null && p.isAlive()) {
        endedBy = why;
      }
    }
    if (p != null) {
      try {
        p.close();
      } catch (RuntimeException e) {
        // best effort: the sandbox may be gone already
      }
    }
    synchronized (this) {
      stdout.finish();
      stderr.finish();
    }
  }

  /**
   * What a read saw.
   *
   * @param running whether the process still runs
   * @param stdout new standard output
   * @param stderr new standard error
   * @param exit its exit status, if it exited
   * @param endedBy why it ended without an exit status (stopped, sandbox paused), or null
   */
  record Snapshot(
      boolean running, Rendered stdout, Rendered stderr, ExecResult exit, String endedBy) {}

  /**
   * One stream's new output.
   *
   * @param text the text, within budget, with markers where something was left out
   * @param truncated whether anything was left out
   * @param file the spill file holding the full output so far, or null
   */
  record Rendered(String text, boolean truncated, String file) {}

  /** One output stream: ring of recent bytes, lazily opened spill file. */
  private static final class Out {
    final String name;
    final OutputBudget budget;
    final ByteRing ring;
    final LiveSandbox live;
    final Settings settings;
    final String spillStem;
    long chars;
    Spill spill;

    Out(String name, OutputBudget budget, LiveSandbox live, Settings settings, String stem) {
      this.name = name;
      this.budget = budget;
      this.ring = new ByteRing(Math.max(64 * 1024, 4 * budget.maxChars()));
      this.live = live;
      this.settings = settings;
      this.spillStem = stem;
    }

    void write(byte[] chunk) {
      long max = budget.maxChars();
      chars += StreamCapture.charCount(chunk);
      long total = ring.written() + chunk.length;
      if (spill == null && (chars > max || total > 3 * max) && ring.written() <= 3 * max) {
        spill =
            new Spill(
                live, Settings.SPILL_DIR + "/" + spillStem + "." + name, settings.spillCapBytes());
        ByteRing.Chunk all = ring.peekAll();
        spill.write(all.bytes(), 0, all.bytes().length);
      }
      if (spill != null) {
        spill.write(chunk, 0, chunk.length);
      }
      ring.write(chunk, 0, chunk.length);
    }

    Rendered readNew(boolean whole) {
      ByteRing.Chunk c = ring.readNew(whole);
      String where = null;
      if (spill != null) {
        spill.flush();
        where = spill.describe();
      }
      HeadTailBuffer buffer = new HeadTailBuffer(budget);
      buffer.write(c.bytes());
      String w = where;
      HeadTailBuffer.Rendered r = buffer.render(name, w == null ? null : (a, b) -> w);
      String text = r.text();
      if (c.dropped() > 0) {
        text =
            "[... "
                + Messages.size(c.dropped())
                + " of earlier "
                + name
                + " was overwritten before it was read"
                + (where == null ? "" : "; " + where)
                + " ...]\n"
                + text;
      }
      String file = spill != null && spill.usable() ? spill.path() : null;
      return new Rendered(text, r.truncated() || c.dropped() > 0, file);
    }

    void finish() {
      if (spill != null) {
        spill.finish();
      }
    }
  }
}
