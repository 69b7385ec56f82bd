package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.ExecOptions;
import cloud.tenki.sandbox.ExecResult;
import cloud.tenki.sandbox.SandboxProcess;
import cloud.tenki.sandbox.TenkiException;
import java.time.Duration;
import java.util.Optional;
import java.util.concurrent.atomic.AtomicBoolean;

/**
 * Runs a command to its end (run_command, run_code): output kept within budget and spilled to a
 * file when it outgrows it, streamed to the listener, killed (with its process group) on timeout or
 * cancellation, and the partial output returned with the reason.
 */
final class Foreground {
  private final Call call;
  private final CommandPlan plan;
  private final OutputImages images;
  private int spillNumber;

  /**
   * @param images watches the output folder for images (run_code), or null
   */
  Foreground(Call call, CommandPlan plan, OutputImages images) {
    this.call = call;
    this.plan = plan;
    this.images = images;
  }

  ToolResult run(Lease lease) {
    Settings s = call.settings;
    StreamCapture out =
        new StreamCapture("stdout", s.stdoutBudget(), () -> spill(lease, "stdout"), call.listener);
    StreamCapture err =
        new StreamCapture("stderr", s.stderrBudget(), () -> spill(lease, "stderr"), call.listener);
    // this thread waits for the command anyway: the output callbacks run here, not on a pool
    ExecOptions options =
        plan.options(true)
            .onStdout(out::accept)
            .onStderr(err::accept)
            .deliverWhileWaiting(true)
            .build();
    SandboxProcess p;
    try {
      p = lease.first(live -> live.sandbox.start(options));
    } catch (TenkiException e) {
      throw startFailure(e, lease);
    }
    AtomicBoolean cancelled = new AtomicBoolean();
    ExecResult exit;
    boolean guardFired = false;
    long began = System.nanoTime();
    try (p;
        Cancellation.Registration r =
            onCancel(
                () -> {
                  cancelled.set(true);
                  p.kill();
                })) {
      if (plan.stdin() == null) {
        p.closeStdin();
      }
      Optional<ExecResult> done = p.waitFor(plan.timeout().plus(Settings.TIMEOUT_GRACE));
      if (done.isEmpty()) {
        guardFired = true; // the backend did not enforce the timeout: do it here
        p.kill();
        exit = p.waitFor(Duration.ofSeconds(5)).orElse(null);
      } else {
        exit = done.get();
      }
    } catch (TenkiException e) {
      if ("cancelled".equals(e.code())
          && (cancelled.get() || Thread.currentThread().isInterrupted())) {
        cancelled.set(true);
        exit = null;
      } else {
        finish(out, err);
        throw call.failure("run the command", e, lease);
      }
    }
    finish(out, err);
    Duration ran = exit != null ? exit.duration() : Duration.ofNanos(System.nanoTime() - began);
    return result(lease, exit, ran, out, err, cancelled.get(), guardFired);
  }

  private Cancellation.Registration onCancel(Runnable action) {
    return call.cancellation == null ? () -> {} : call.cancellation.onCancel(action);
  }

  private static void finish(StreamCapture out, StreamCapture err) {
    out.finish();
    err.finish();
  }

  /**
   * How many commands' spill files a sandbox keeps: each may hold up to the spill cap per stream,
   * and the files live on the sandbox's own disk, so older ones are removed as new ones start.
   */
  static final int KEEP_SPILLS = 16;

  private synchronized Spill spill(Lease lease, String stream) {
    if (spillNumber == 0) {
      spillNumber = lease.live().nextSpill();
      removeSpills(lease, spillNumber - KEEP_SPILLS);
    }
    return new Spill(
        lease.live(),
        Settings.SPILL_DIR + "/" + spillNumber + "." + stream,
        call.settings.spillCapBytes());
  }

  /** Removes the spill files of command {@code number} (best effort: they may not exist). */
  private static void removeSpills(Lease lease, int number) {
    if (number <= 0) {
      return;
    }
    String stem = Settings.SPILL_DIR + "/" + number;
    try {
      lease.sandbox().exec("rm", "-f", "--", stem + ".stdout", stem + ".stderr");
    } catch (TenkiException e) {
      // files that cannot be removed now stay; they are only disk
    }
  }

  private ToolFailure startFailure(TenkiException e, Lease lease) {
    String reason = Messages.reason(e, call.conversations.sandboxIds());
    if (plan.cwd() != null && reason.contains(plan.cwd())) {
      return new ToolFailure(
          "Could not run the command: the working directory "
              + plan.cwd()
              + " does not exist or is not a directory. Create it first or pick another `cwd`.");
    }
    return call.failure("start the command", e, lease);
  }

  private ToolResult result(
      Lease lease,
      ExecResult exit,
      Duration ran,
      StreamCapture out,
      StreamCapture err,
      boolean cancelled,
      boolean guardFired) {
    boolean timedOut = !cancelled && (guardFired || (exit != null && exit.timedOut()));
    HeadTailBuffer.Rendered o = out.render();
    HeadTailBuffer.Rendered e = err.render();
    ResultBuilder r = new ResultBuilder();
    if (cancelled) {
      r.line(
          "Cancelled after "
              + seconds(ran)
              + ": the command and everything it started were killed. Output until then:");
    } else if (timedOut) {
      r.line(
          "Timed out after "
              + Messages.duration(plan.timeout().toSeconds())
              + ": the command and everything it started were killed. Output until then"
              + " (pass a larger timeout_seconds, at most "
              + call.settings.maxTimeout().toSeconds()
              + ", or run it with background: true):");
      String program = interactiveProgram(plan.shown());
      if (program != null) {
        lease.addNote(
            program
                + " is interactive: it waits for a terminal, which commands here do not have."
                + " Edit files with write_file or edit_file, and use programs' batch options"
                + " (top -b -n 1).");
      }
    } else if (exit != null) {
      r.line(
          "Exit code "
              + exit.exitCode()
              + exit.signal().map(sig -> " (killed by " + sig + ")").orElse("")
              + " after "
              + seconds(ran)
              + ".");
    }
    CommandOutput.sections(r, o, e, out.spillPath(), err.spillPath());
    if (ranOutOfProcesses(e.text())) {
      lease.addNote(
          "The sandbox ran out of processes while this ran (\"Resource temporarily unavailable\""
              + " above)."
              + Messages.processLimitAdvice(call.settings.canRestart()));
    }
    if (exit != null) {
      r.put("exit_code", exit.exitCode());
      exit.signal().ifPresent(sig -> r.put("signal", sig));
    }
    r.put("timed_out", timedOut);
    if (cancelled) {
      r.put("cancelled", true);
    }
    r.put("duration_ms", ran.toMillis());
    if (images != null && !cancelled) {
      images.collect(lease, r);
    }
    if (exit != null && exit.signal().isPresent() && !timedOut && !cancelled) {
      // killed from outside: perhaps the whole sandbox went away
      lease.addNote(lease.afterFailure().strip());
    }
    return r.notes(lease.notes()).build();
  }

  /** Full-screen programs that wait for a terminal's keys, and never end without one. */
  private static final java.util.Set<String> INTERACTIVE =
      java.util.Set.of(
          "vi", "vim", "nvim", "view", "nano", "pico", "emacs", "joe", "mcedit", "htop", "tmux",
          "screen", "watch");

  /** The interactive program {@code command} starts with (its first word), or null. */
  static String interactiveProgram(String command) {
    String first = command.strip().split("\\s+", 2)[0];
    String name = first.substring(first.lastIndexOf('/') + 1);
    return INTERACTIVE.contains(name) ? name : null;
  }

  /** Whether {@code stderr} shows a shell that could not fork for want of process slots. */
  static boolean ranOutOfProcesses(String stderr) {
    return stderr.contains("fork: retry: Resource temporarily unavailable")
        || stderr.contains("fork: Resource temporarily unavailable")
        || stderr.contains("fork failed: Resource temporarily unavailable");
  }

  static String seconds(Duration d) {
    long ms = d.toMillis();
    if (ms >= 0 && ms < 60_000) {
      // tenths rounded half up, as "%.1f" would, without a Formatter on every result
      long tenths = (ms + 50) / 100;
      return tenths / 10 + "." + tenths % 10 + " s";
    }
    if (ms < 0) {
      return String.format(java.util.Locale.ROOT, "%.1f s", ms / 1000.0);
    }
    return Messages.duration(d.toSeconds());
  }
}
