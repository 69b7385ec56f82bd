package cloud.tenki.engine.preview;

import cloud.tenki.engine.sandbox.Sandbox;
import cloud.tenki.engine.service.RunningProcess;
import java.io.IOException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * Opens a TCP connection to {@code 127.0.0.1:PORT} inside a sandbox's own network namespace. The
 * engine cannot enter a namespace itself, so a tiny relay runs in the sandbox exactly like a
 * command (same namespaces, as {@code tenki}, in its cgroups): bash opens the socket with its
 * {@code /dev/tcp} redirection, prints one {@code +} once connected, and two {@code cat}s copy
 * bytes between the socket and the relay's stdin/stdout. Nothing but bash and coreutils from the
 * host's {@code /usr} is needed, and the relay has no rights the sandbox user lacks.
 */
final class SandboxRelay {

  // the server-to-client copy runs in the foreground: when the server closes, the relay ends and
  // the engine closes the client's connection; the client's bytes go through a background copy
  // (fd 4, because a background job's own stdin would be /dev/null)
  private static final String SCRIPT =
      "exec 3<>\"/dev/tcp/127.0.0.1/$1\" 2>/dev/null || exit 7\n"
          + "printf +\n"
          + "exec 4<&0\n"
          + "cat <&4 >&3 &\n"
          + "cat <&3\n"
          + "kill $! 2>/dev/null\n";

  private SandboxRelay() {}

  /** Starts a relay to {@code port}; the caller reads the {@code +} before anything else. */
  static RunningProcess start(Sandbox sandbox, int port) throws IOException {
    List<String> argv =
        new ArrayList<>(List.of("/bin/bash", "-c", SCRIPT, "tenki-relay", Integer.toString(port)));
    Process p = sandbox.exec(argv, "/", Map.of());
    return new RunningProcess(p, sandbox.isolation().equals("none"));
  }
}
