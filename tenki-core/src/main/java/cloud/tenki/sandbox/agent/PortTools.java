package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.ExecOptions;
import cloud.tenki.sandbox.ExecResult;
import cloud.tenki.sandbox.NotFoundException;
import cloud.tenki.sandbox.Preview;
import cloud.tenki.sandbox.TenkiException;
import java.time.Duration;
import java.util.Locale;

/** {@code expose_port} (after checking that something listens) and {@code unexpose_port}. */
final class PortTools {
  private PortTools() {}

  /** How the sandbox's TCP listeners are found: the kernel's socket tables, seen from inside. */
  private static final String LISTENERS = "cat /proc/net/tcp /proc/net/tcp6 2>/dev/null; true";

  /** Where something listens on a port. */
  enum Listening {
    NONE,
    LOOPBACK_ONLY,
    ALL
  }

  static ToolResult expose(Call call) {
    ToolArgs a = call.args;
    int port = Math.toIntExact(a.integer("port"));
    try (Lease lease = call.lease()) {
      try {
        ExecResult tables =
            lease.first(
                l ->
                    l.sandbox.exec(
                        ExecOptions.builder("sh", "-c", LISTENERS)
                            .timeout(Duration.ofSeconds(30))
                            .build()));
        Listening where = listening(tables.stdoutText(), port);
        if (where == Listening.NONE) {
          throw new ToolFailure(
              "Nothing is listening on port "
                  + port
                  + " in the sandbox, so there is nothing to expose yet. Start the server first"
                  + " with run_command and background: true, bound to 0.0.0.0 (for example"
                  + " `python3 -m http.server "
                  + port
                  + " --bind 0.0.0.0`), check its output with read_process_output, then call"
                  + " expose_port again.");
        }
        Preview p = lease.sandbox().exposePort(port, ttl(call, lease.live()), slug(port));
        lease.live().exposedPorts.put(port, p.url());
        ResultBuilder r = new ResultBuilder();
        r.put("port", (long) port).put("url", p.url());
        // to the second, as sandbox_status gives times: a model has no use for nanoseconds
        java.util.Optional<java.time.Instant> until =
            p.expiresAt().map(t -> t.truncatedTo(java.time.temporal.ChronoUnit.SECONDS));
        until.ifPresent(t -> r.put("expires_at", t.toString()));
        r.line(
            "Port "
                + port
                + " is exposed at "
                + p.url()
                + until.map(t -> " until " + t).orElse("")
                + ".");
        if (where == Listening.LOOPBACK_ONLY) {
          lease.addNote(
              "The server listens on 127.0.0.1 only; if the URL does not answer, restart it bound"
                  + " to 0.0.0.0.");
        }
        return r.notes(lease.notes()).build();
      } catch (TenkiException e) {
        if ("unimplemented".equals(e.code())) {
          throw new ToolFailure(
              "Preview URLs are not available on this sandbox backend, so port "
                  + port
                  + " cannot be exposed. The server still runs inside the sandbox (reach it there"
                  + " with curl).");
        }
        throw call.failure("expose port " + port, e, lease);
      }
    }
  }

  /** The asked time, else until the sandbox reaches its maximum lifetime (it cannot outlive it). */
  private static Duration ttl(Call call, LiveSandbox live) {
    if (call.args.has("ttl_minutes")) {
      return Duration.ofMinutes(call.args.integer("ttl_minutes"));
    }
    Duration left =
        Duration.between(
            call.settings.clock().instant(), live.createdAt.plus(call.settings.maxLifetime()));
    return left.compareTo(Duration.ofMinutes(1)) < 0 ? Duration.ofMinutes(1) : left;
  }

  /**
   * A random slug: left to the backend, a preview URL may embed the sandbox id, which the model
   * must never see.
   */
  private static String slug(int port) {
    byte[] random = new byte[6];
    RANDOM.nextBytes(random);
    return "tk-" + java.util.HexFormat.of().formatHex(random) + "-" + port;
  }

  private static final java.security.SecureRandom RANDOM = new java.security.SecureRandom();

  static ToolResult unexpose(Call call) {
    int port = Math.toIntExact(call.args.integer("port"));
    try (Lease lease = call.lease()) {
      ResultBuilder r = new ResultBuilder().put("port", (long) port);
      try {
        lease.first(
            l -> {
              l.sandbox.unexposePort(port);
              return null;
            });
        r.put("unexposed", true).line("Port " + port + " is no longer exposed.");
      } catch (NotFoundException e) {
        r.put("unexposed", false).line("Port " + port + " was not exposed; nothing to do.");
      } catch (TenkiException e) {
        throw call.failure("unexpose port " + port, e, lease);
      }
      lease.live().exposedPorts.remove(port);
      return r.notes(lease.notes()).build();
    }
  }

  /**
   * Whether the socket tables ({@code /proc/net/tcp} and {@code tcp6} text) show a listener on
   * {@code port}: lines whose state is {@code 0A} (LISTEN) and whose local address ends with the
   * port in hex.
   */
  static Listening listening(String tables, int port) {
    String suffix = ":" + String.format(Locale.ROOT, "%04X", port);
    Listening found = Listening.NONE;
    for (String line : tables.split("\n")) {
      String[] f = line.trim().split("\\s+");
      if (f.length < 4 || !f[3].equals("0A") || !f[1].toUpperCase(Locale.ROOT).endsWith(suffix)) {
        continue;
      }
      String addr = f[1].substring(0, f[1].indexOf(':'));
      if (isLoopback(addr)) {
        found = found == Listening.NONE ? Listening.LOOPBACK_ONLY : found;
      } else {
        return Listening.ALL;
      }
    }
    return found;
  }

  private static boolean isLoopback(String hex) {
    if (hex.length() == 8) {
      return hex.endsWith("7F"); // 127.x.x.x, little-endian
    }
    return hex.equals("00000000000000000000000001000000") // ::1
        || (hex.startsWith("0000000000000000FFFF0000") && hex.endsWith("7F")); // ::ffff:127.x
  }
}
