package cloud.tenki.sandbox;

/**
 * The signals a running {@link SandboxProcess} can be sent.
 *
 * <pre>{@code
 * SandboxProcess server = sandbox.start("python3", "-m", "http.server", "3000");
 * server.signal(Signal.INT); // like Ctrl-C
 * }</pre>
 */
public enum Signal {
  /** Polite termination request ({@code SIGTERM}). */
  TERM,
  /** Immediate, uncatchable termination ({@code SIGKILL}). */
  KILL,
  /** Interrupt, as from Ctrl-C ({@code SIGINT}). */
  INT,
  /** Hang-up ({@code SIGHUP}); many daemons reload their configuration on it. */
  HUP,
  /** User-defined signal 1 ({@code SIGUSR1}). */
  USR1,
  /** User-defined signal 2 ({@code SIGUSR2}). */
  USR2
}
