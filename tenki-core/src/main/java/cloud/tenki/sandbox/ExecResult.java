package cloud.tenki.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Objects;
import java.util.Optional;

/**
 * The outcome of a finished command: exit code, terminating signal, timeout flag, duration and (for
 * {@link Sandbox#exec}) the captured output.
 *
 * <p>Success means exit code 0 and no signal. A command that outlived its timeout is killed; its
 * result has {@link #timedOut()} set and keeps the output produced until then. Results of a {@link
 * SandboxProcess} carry no output (it was streamed to the caller instead).
 *
 * <pre>{@code
 * ExecResult r = sandbox.exec("python3", "-c", "print(6*7)");
 * if (r.success()) {
 *   System.out.println(r.stdoutText().strip()); // 42
 * }
 * r.check(); // throws CommandFailedException unless successful
 * }</pre>
 *
 * <p>Immutable: the byte accessors return copies.
 *
 * @param exitCode the process exit code ({@code -1} when it was killed before it could exit)
 * @param signalName the signal that ended the process (for example {@code SIGKILL}), or empty
 * @param timedOut whether the command was killed because it outlived its timeout
 * @param duration how long the command ran
 * @param stdoutBytes captured standard output (empty for a streamed process)
 * @param stderrBytes captured standard error (empty for a streamed process)
 * @param stdoutTruncated whether output beyond {@link ExecOptions#maxOutputBytes()} was dropped
 * @param stderrTruncated whether error output beyond the cap was dropped
 */
public record ExecResult(
    int exitCode,
    String signalName,
    boolean timedOut,
    Duration duration,
    byte[] stdoutBytes,
    byte[] stderrBytes,
    boolean stdoutTruncated,
    boolean stderrTruncated) {

  /** Validates and defensively copies. */
  public ExecResult {
    signalName = signalName == null ? "" : signalName;
    Objects.requireNonNull(duration, "duration");
    stdoutBytes = stdoutBytes == null ? new byte[0] : stdoutBytes.clone();
    stderrBytes = stderrBytes == null ? new byte[0] : stderrBytes.clone();
  }

  /** Whether the command exited with code 0 and was not ended by a signal or a timeout. */
  public boolean success() {
    return exitCode == 0 && signalName.isEmpty() && !timedOut;
  }

  /** The signal that ended the process, if any (for example {@code SIGTERM}). */
  public Optional<String> signal() {
    return signalName.isEmpty() ? Optional.empty() : Optional.of(signalName);
  }

  /** A copy of the captured standard output. */
  @Override
  public byte[] stdoutBytes() {
    return stdoutBytes.clone();
  }

  /** A copy of the captured standard error. */
  @Override
  public byte[] stderrBytes() {
    return stderrBytes.clone();
  }

  /** The captured standard output decoded as UTF-8 (malformed bytes become U+FFFD). */
  public String stdoutText() {
    return new String(stdoutBytes, StandardCharsets.UTF_8);
  }

  /** The captured standard error decoded as UTF-8 (malformed bytes become U+FFFD). */
  public String stderrText() {
    return new String(stderrBytes, StandardCharsets.UTF_8);
  }

  /**
   * Returns this result if the command succeeded.
   *
   * @throws CommandFailedException carrying this result otherwise
   */
  public ExecResult check() {
    if (!success()) {
      throw new CommandFailedException(this);
    }
    return this;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof ExecResult r
        && exitCode == r.exitCode
        && timedOut == r.timedOut
        && signalName.equals(r.signalName)
        && duration.equals(r.duration)
        && java.util.Arrays.equals(stdoutBytes, r.stdoutBytes)
        && java.util.Arrays.equals(stderrBytes, r.stderrBytes)
        && stdoutTruncated == r.stdoutTruncated
        && stderrTruncated == r.stderrTruncated;
  }

  @Override
  public int hashCode() {
    return Objects.hash(exitCode, signalName, timedOut, duration)
        + 31 * java.util.Arrays.hashCode(stdoutBytes);
  }

  @Override
  public String toString() {
    return "ExecResult[exitCode="
        + exitCode
        + (signalName.isEmpty() ? "" : ", signal=" + signalName)
        + (timedOut ? ", timedOut" : "")
        + ", duration="
        + duration.toMillis()
        + "ms, stdout="
        + stdoutBytes.length
        + " bytes, stderr="
        + stderrBytes.length
        + " bytes]";
  }
}
