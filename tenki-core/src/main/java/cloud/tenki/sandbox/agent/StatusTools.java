package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.Preview;
import cloud.tenki.sandbox.SandboxInfo;
import cloud.tenki.sandbox.TenkiException;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * {@code sandbox_status}, {@code extend_sandbox}, {@code restart_sandbox} and {@code
 * reset_sandbox}.
 */
final class StatusTools {
  private StatusTools() {}

  static ToolResult status(Call call) {
    Lease lease = call.conversation.acquireExisting();
    if (lease == null) {
      return notCreated(call).build();
    }
    try (lease) {
      LiveSandbox live = lease.live();
      if (live.paused()) {
        return describe(call, live, null, "paused")
            .line(
                "It was paused while idle; the next call that needs it resumes it (files intact,"
                    + " background processes stopped).")
            .build();
      }
      SandboxInfo info;
      try {
        info = live.sandbox.info();
      } catch (TenkiException e) {
        throw call.failure("get the sandbox's status", e, lease);
      }
      if (info.state().isTerminal()) {
        lease.afterFailure();
        return new ResultBuilder()
            .put("state", "terminated")
            .line(
                "The sandbox has ended; the next call starts a new one (files and processes from"
                    + " before are gone).")
            .build();
      }
      return describe(call, live, info, info.state().name().toLowerCase(Locale.ROOT)).build();
    }
  }

  static ToolResult extend(Call call) {
    if (call.conversation.peek() == null) {
      return notCreated(call).build();
    }
    Duration asked = Duration.ofMinutes(call.args.integer("minutes"));
    try (Lease lease = call.lease()) {
      LiveSandbox live = lease.live();
      Instant cap = live.createdAt.plus(call.settings.maxLifetime());
      Instant target = Conversations.min(live.deadline().plus(asked), cap);
      Duration more = Duration.between(live.deadline(), target);
      if (more.toSeconds() < 1) {
        throw new ToolFailure(
            "The sandbox is already at its maximum lifetime of "
                + Messages.duration(call.settings.maxLifetime().toSeconds())
                + "; it ends in "
                + Messages.duration(left(call, live))
                + " and cannot be extended further. Copy out what matters before then.");
      }
      try {
        lease.first(
            l -> {
              l.sandbox.extend(more);
              return null;
            });
      } catch (TenkiException e) {
        throw call.failure("extend the sandbox", e, lease);
      }
      live.extendedBy(more);
      ResultBuilder r = describe(call, lease.live(), null, "running");
      r.line("Extended by " + Messages.duration(more.toSeconds()) + ".");
      if (more.compareTo(asked) < 0) {
        lease.addNote(
            "Extended by less than asked: a sandbox may live at most "
                + Messages.duration(call.settings.maxLifetime().toSeconds())
                + " in total.");
      }
      return r.notes(lease.notes()).build();
    }
  }

  static ToolResult restart(Call call) {
    LiveSandbox live = call.conversation.restart();
    if (live == null) {
      return notCreated(call).line("Nothing to restart.").build();
    }
    SandboxInfo info;
    try {
      info = live.sandbox.info();
    } catch (TenkiException e) {
      info = null; // restarted all the same; the status is only a courtesy
    }
    return describe(call, live, info, "running")
        .line(
            "Restarted: every process in the sandbox was ended; files and installed packages are"
                + " kept. Start again the servers you still need"
                + (live.exposedPorts.isEmpty() ? "." : " (exposed ports stay exposed)."))
        .build();
  }

  static ToolResult reset(Call call) {
    LiveSandbox fresh = call.conversation.reset();
    return describe(call, fresh, null, "running")
        .line(
            "The sandbox was reset: this is a fresh one; files, packages and processes from"
                + " before are gone.")
        .build();
  }

  private static ResultBuilder notCreated(Call call) {
    Settings s = call.settings;
    String ended = call.conversation.endedNote();
    if (ended != null) {
      return new ResultBuilder()
          .put("state", "ended")
          .line(
              "No sandbox now. "
                  + Notes.beforeNewSandbox(ended)
                  + " The next call that needs a sandbox creates a new one.");
    }
    return new ResultBuilder()
        .put("state", "not_created")
        .line(
            "No sandbox yet: one is created on the first call that needs it, with "
                + Messages.duration(s.template().lifetime().toSeconds())
                + " of lifetime, extended while in use up to "
                + Messages.duration(s.maxLifetime().toSeconds())
                + " in total.");
  }

  private static long left(Call call, LiveSandbox live) {
    return Math.max(
        0, Duration.between(call.settings.clock().instant(), live.deadline()).toSeconds());
  }

  /** State, time left, resources, background processes and exposed ports. */
  private static ResultBuilder describe(
      Call call, LiveSandbox live, SandboxInfo info, String state) {
    ResultBuilder r = new ResultBuilder();
    long left = left(call, live);
    Instant cap =
        live.createdAt
            .plus(call.settings.maxLifetime())
            .truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    r.put("state", state);
    Instant deadline = live.deadline().truncatedTo(java.time.temporal.ChronoUnit.SECONDS);
    r.put("time_left_seconds", left).put("expires_at", deadline.toString());
    if (info != null) {
      r.put("cpu_cores", (long) info.cpuCores()).put("memory_mb", (long) info.memoryMb());
      r.put("network", info.outboundEnabled());
    }
    List<Map<String, Object>> procs = new ArrayList<>();
    List<String> procLines = new ArrayList<>();
    for (BackgroundProcess p : live.processes.all()) {
      Map<String, Object> m = new LinkedHashMap<>();
      boolean running = p.running();
      m.put("process_id", p.id);
      m.put("command", shorten(p.command));
      m.put("running", running);
      procs.add(m);
      procLines.add("  " + p.id + (running ? " (running): " : " (ended): ") + shorten(p.command));
    }
    r.put("background_processes", procs);
    List<Map<String, Object>> ports = exposedPorts(live, info != null);
    r.put("exposed_ports", ports);
    r.line(
        "Sandbox "
            + state
            + ": "
            + Messages.duration(left)
            + " left (until "
            + deadline
            + "; it can be extended up to "
            + cap
            + ")"
            + (info == null
                ? "."
                : ", "
                    + info.cpuCores()
                    + " CPU, "
                    + info.memoryMb()
                    + " MiB memory, "
                    + (info.outboundEnabled()
                        ? "network access."
                        : "no network access (package downloads and git clone fail).")));
    r.line(procs.isEmpty() ? "Background processes: none." : "Background processes:");
    procLines.forEach(r::line);
    r.line(ports.isEmpty() ? "Exposed ports: none." : "Exposed ports:");
    for (Map<String, Object> p : ports) {
      r.line("  " + p.get("port") + " -> " + p.get("url"));
    }
    return r;
  }

  private static List<Map<String, Object>> exposedPorts(LiveSandbox live, boolean ask) {
    Map<Integer, String> known = new java.util.TreeMap<>(live.exposedPorts);
    if (ask) {
      try {
        known.clear();
        for (Preview p : live.sandbox.exposedPorts()) {
          known.put(p.port(), p.url());
        }
      } catch (TenkiException e) {
        known = new java.util.TreeMap<>(live.exposedPorts); // the backend cannot list them
      }
    }
    List<Map<String, Object>> out = new ArrayList<>();
    known.forEach(
        (port, url) -> {
          Map<String, Object> m = new LinkedHashMap<>();
          m.put("port", (long) port);
          m.put("url", url);
          out.add(m);
        });
    return out;
  }

  private static String shorten(String command) {
    String oneLine = command.replace('\n', ' ');
    return oneLine.length() <= 200 ? oneLine : oneLine.substring(0, 200) + "...";
  }
}
