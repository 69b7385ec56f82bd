package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.ExecOptions;
import cloud.tenki.sandbox.ExecResult;
import cloud.tenki.sandbox.SandboxProcess;
import cloud.tenki.sandbox.TenkiException;
import java.time.Duration;

/**
 * Background processes: {@code run_command background: true}, read_process_output, stop_process.
 */
final class ProcessTools {
  private ProcessTools() {}

  /** How long a start waits to catch a process that fails at once (a typo, a port in use). */
  static final Duration EARLY_EXIT_WAIT = Duration.ofMillis(300);

  static ToolResult start(Call call, CommandPlan plan) {
    try (Lease lease = call.lease(Duration.ZERO)) {
      LiveSandbox live = lease.live();
      if (live.processes.runningCount() >= BackgroundProcesses.MAX_RUNNING) {
        throw new ToolFailure(
            "Too many background processes: "
                + BackgroundProcesses.MAX_RUNNING
                + " are running. Stop one with stop_process first (see sandbox_status).");
      }
      String id = "p" + lease.conversation().processSeq.incrementAndGet();
      BackgroundProcess bp;
      SandboxProcess p;
      try {
        // made inside the first request: a retry on a replacement sandbox spills there
        bp =
            lease.first(
                l -> {
                  BackgroundProcess b =
                      new BackgroundProcess(id, plan.shown(), l, call.settings, id);
                  ExecOptions options =
                      plan.options(false).onStdout(b::onStdout).onStderr(b::onStderr).build();
                  b.attach(l.sandbox.start(options));
                  return b;
                });
        p = bp.process();
      } catch (TenkiException e) {
        throw call.failure("start the process", e, lease);
      }
      if (plan.stdin() == null) {
        p.closeStdin();
      }
      lease.live().processes.add(bp);
      try {
        // give a process that fails at once the chance to say so
        p.waitFor(EARLY_EXIT_WAIT);
      } catch (TenkiException e) {
        // reported by the read below
      }
      ResultBuilder r = report(bp, bp.read());
      if (call.args.has("timeout_seconds")) {
        lease.addNote("timeout_seconds does not apply to background processes.");
      }
      return r.notes(lease.notes()).build();
    }
  }

  static ToolResult read(Call call) {
    try (Lease lease = existing(call)) {
      BackgroundProcess bp = find(call, lease);
      long wait = call.args.integer("wait_seconds", 0);
      if (wait > 0) {
        bp.awaitNews(Duration.ofSeconds(wait), call::cancelled);
      }
      return report(bp, bp.read()).notes(lease.notes()).build();
    }
  }

  static ToolResult stop(Call call) {
    try (Lease lease = existing(call)) {
      BackgroundProcess bp = find(call, lease);
      bp.stop(Settings.STOP_GRACE);
      return report(bp, bp.read()).notes(lease.notes()).build();
    }
  }

  private static Lease existing(Call call) {
    Lease lease = call.conversation.acquireExisting();
    if (lease == null) {
      throw new ToolFailure(
          "Unknown process_id `"
              + call.args.string("process_id")
              + "`: there is no sandbox yet, so no background process. Start one with"
              + " run_command and background: true.");
    }
    return lease;
  }

  private static BackgroundProcess find(Call call, Lease lease) {
    String id = call.args.string("process_id");
    BackgroundProcess bp = lease.live().processes.get(id);
    if (bp == null) {
      // "1", " p1 " or "P1" for p1: the number alone is what models most often pass
      String trimmed = id.strip().toLowerCase(java.util.Locale.ROOT);
      bp = lease.live().processes.get(trimmed.startsWith("p") ? trimmed : "p" + trimmed);
    }
    if (bp == null) {
      var known = lease.live().processes.ids();
      throw new ToolFailure(
          "Unknown process_id `"
              + id
              + "`; "
              + (known.isEmpty()
                  ? "this sandbox has no background processes."
                  : "known: " + String.join(", ", known) + ".")
              + " Processes of an earlier sandbox are gone.");
    }
    return bp;
  }

  private static ResultBuilder report(BackgroundProcess bp, BackgroundProcess.Snapshot s) {
    ResultBuilder r = new ResultBuilder();
    r.put("process_id", bp.id).put("running", s.running());
    if (s.running()) {
      r.line(
          "Background process "
              + bp.id
              + " is running. Read new output with read_process_output, stop it with"
              + " stop_process.");
    } else if (s.exit() != null) {
      ExecResult x = s.exit();
      r.line(
          "Background process "
              + bp.id
              + " exited with code "
              + x.exitCode()
              + x.signal().map(sig -> " (killed by " + sig + ")").orElse("")
              + ".");
      r.put("exit_code", x.exitCode());
      x.signal().ifPresent(sig -> r.put("signal", sig));
    } else {
      r.line("Background process " + bp.id + " has ended: " + s.endedBy() + ".");
    }
    BackgroundProcess.Rendered o = s.stdout();
    BackgroundProcess.Rendered e = s.stderr();
    if (!o.text().isEmpty() || !e.text().isEmpty()) {
      r.line("New output since the last read:");
    }
    CommandOutput.sections(r, o.text(), o.truncated(), o.file(), e.text(), e.truncated(), e.file());
    return r;
  }
}
