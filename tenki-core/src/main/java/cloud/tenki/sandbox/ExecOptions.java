package cloud.tenki.sandbox;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * How to run a command: argv, working directory, environment, timeout, standard input and what to
 * do with the output. Used by {@link Sandbox#exec(ExecOptions)} and {@link
 * Sandbox#start(ExecOptions)}.
 *
 * <p>The command is an argv list, never a shell string; use {@link #shell(String)} when you want
 * shell parsing. {@code exec} collects output in memory, up to {@link #maxOutputBytes()} per stream
 * (64 MiB by default; beyond it output is dropped and the result says so). To stream instead, set
 * {@link Builder#onStdout} / {@link Builder#onStderr}, which receive each chunk as it arrives (on
 * an SDK thread; a slow callback slows the producer down rather than buffering).
 *
 * <pre>{@code
 * ExecResult r = sandbox.exec(ExecOptions.builder("npm", "test")
 *     .timeout(Duration.ofMinutes(2))
 *     .env("CI", "1")
 *     .cwd("app")
 *     .build());
 * }</pre>
 *
 * <p>Immutable and thread-safe; the builder is not.
 */
public final class ExecOptions {
  /** Default per-stream cap for collected output: 64 MiB. */
  public static final long DEFAULT_MAX_OUTPUT_BYTES = 64L * 1024 * 1024;

  private final List<String> command;
  private final String cwd;
  private final Map<String, String> env;
  private final Duration timeout;
  private final byte[] stdin;
  private final long maxOutputBytes;
  private final Consumer<byte[]> onStdout;
  private final Consumer<byte[]> onStderr;
  private final boolean pty;
  private final boolean deliverWhileWaiting;

  private ExecOptions(Builder b) {
    this.command = List.copyOf(b.command);
    this.cwd = b.cwd;
    this.env = Collections.unmodifiableMap(new LinkedHashMap<>(b.env));
    this.timeout = b.timeout;
    this.stdin = b.stdin;
    this.maxOutputBytes = b.maxOutputBytes;
    this.onStdout = b.onStdout;
    this.onStderr = b.onStderr;
    this.pty = b.pty;
    this.deliverWhileWaiting = b.deliverWhileWaiting;
  }

  /** Options that run {@code argv} with every other setting at its default. */
  public static ExecOptions of(String... argv) {
    return builder(argv).build();
  }

  /** A builder for {@code argv}. */
  public static Builder builder(String... argv) {
    return new Builder(List.of(checkArgv(argv)));
  }

  /** A builder for {@code argv}. */
  public static Builder builder(List<String> argv) {
    return new Builder(List.of(checkArgv(argv.toArray(new String[0]))));
  }

  /** A builder that runs {@code script} with {@code sh -c}, so pipes, globs and {@code &} work. */
  public static Builder shell(String script) {
    Objects.requireNonNull(script, "script");
    if (script.isBlank()) {
      throw new IllegalArgumentException("script must not be blank");
    }
    return new Builder(List.of("sh", "-c", script));
  }

  private static String[] checkArgv(String[] argv) {
    if (argv == null || argv.length == 0) {
      throw new IllegalArgumentException("argv must not be empty");
    }
    for (int i = 0; i < argv.length; i++) {
      if (argv[i] == null) {
        throw new IllegalArgumentException("argv[" + i + "] must not be null");
      }
    }
    if (argv[0].isEmpty()) {
      throw new IllegalArgumentException("argv[0] (the program) must not be empty");
    }
    return argv;
  }

  /** The argv to run. */
  public List<String> command() {
    return command;
  }

  /** The working directory (relative to {@code /home/tenki}), if set. */
  public Optional<String> cwd() {
    return Optional.ofNullable(cwd);
  }

  /** Extra environment variables. */
  public Map<String, String> env() {
    return env;
  }

  /** The timeout after which the command is killed, if set. */
  public Optional<Duration> timeout() {
    return Optional.ofNullable(timeout);
  }

  /** Bytes written to standard input before it is closed, if set. */
  public Optional<byte[]> stdin() {
    return Optional.ofNullable(stdin).map(byte[]::clone);
  }

  /** The per-stream cap on output that {@code exec} collects in memory. */
  public long maxOutputBytes() {
    return maxOutputBytes;
  }

  /** The standard output chunk callback, if set. */
  public Optional<Consumer<byte[]>> onStdout() {
    return Optional.ofNullable(onStdout);
  }

  /** The standard error chunk callback, if set. */
  public Optional<Consumer<byte[]>> onStderr() {
    return Optional.ofNullable(onStderr);
  }

  /** Whether the command runs with a pseudo-terminal. */
  public boolean pty() {
    return pty;
  }

  /** Whether output callbacks run on the thread that waits for the command. */
  public boolean deliverWhileWaiting() {
    return deliverWhileWaiting;
  }

  /** Collects {@link ExecOptions}. Not thread-safe. */
  public static final class Builder {
    private final List<String> command;
    private String cwd;
    private final Map<String, String> env = new LinkedHashMap<>();
    private Duration timeout;
    private byte[] stdin;
    private long maxOutputBytes = DEFAULT_MAX_OUTPUT_BYTES;
    private Consumer<byte[]> onStdout;
    private Consumer<byte[]> onStderr;
    private boolean pty;
    private boolean deliverWhileWaiting;

    private Builder(List<String> command) {
      this.command = command;
    }

    /** Working directory, relative to {@code /home/tenki} or absolute inside it. */
    public Builder cwd(String cwd) {
      if (cwd == null || cwd.isBlank()) {
        throw new IllegalArgumentException("cwd must not be blank");
      }
      this.cwd = cwd;
      return this;
    }

    /** Adds one environment variable. */
    public Builder env(String name, String value) {
      if (name == null || name.isEmpty() || name.indexOf('=') >= 0) {
        throw new IllegalArgumentException("env name must be non-empty and contain no '='");
      }
      env.put(name, Objects.requireNonNull(value, "env value"));
      return this;
    }

    /** Adds environment variables. */
    public Builder env(Map<String, String> vars) {
      vars.forEach(this::env);
      return this;
    }

    /** Kills the command if it runs longer than this (whole milliseconds, at least 1 ms). */
    public Builder timeout(Duration timeout) {
      if (timeout == null || timeout.isNegative() || timeout.toMillis() < 1) {
        throw new IllegalArgumentException("timeout must be at least 1 ms");
      }
      if (timeout.toMillis() > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("timeout must be at most 49 days");
      }
      this.timeout = timeout;
      return this;
    }

    /** Writes these bytes to standard input, then closes it. */
    public Builder stdin(byte[] bytes) {
      this.stdin = Objects.requireNonNull(bytes, "stdin").clone();
      return this;
    }

    /** Writes this text (UTF-8) to standard input, then closes it. */
    public Builder stdin(String text) {
      return stdin(Objects.requireNonNull(text, "stdin").getBytes(StandardCharsets.UTF_8));
    }

    /** Per-stream cap on output collected in memory by {@code exec}; at least 0. */
    public Builder maxOutputBytes(long max) {
      if (max < 0) {
        throw new IllegalArgumentException("maxOutputBytes must not be negative");
      }
      this.maxOutputBytes = max;
      return this;
    }

    /** Streams standard output to this callback instead of collecting or buffering it. */
    public Builder onStdout(Consumer<byte[]> callback) {
      this.onStdout = Objects.requireNonNull(callback, "onStdout");
      return this;
    }

    /** Streams standard error to this callback instead of collecting or buffering it. */
    public Builder onStderr(Consumer<byte[]> callback) {
      this.onStderr = Objects.requireNonNull(callback, "onStderr");
      return this;
    }

    /** Runs the command with a pseudo-terminal (output arrives on standard output). */
    public Builder pty(boolean pty) {
      this.pty = pty;
      return this;
    }

    /**
     * Runs the output callbacks on the thread that waits for the command ({@code exec}, or {@code
     * start} and then {@link SandboxProcess#waitFor()}) instead of on an SDK thread: one at a time,
     * in order, inside those calls. This spares a thread hand-off per message, a noticeable share
     * of a short command's round trip. While no thread waits, output is held back (also output
     * meant for {@link SandboxProcess#stdout()} or {@link SandboxProcess#stderr()}) and flow
     * control slows the command down, so use it only when a thread waits for the command to its
     * end. A stdin write that waits for room runs the callbacks too. No effect without {@link
     * #onStdout} or {@link #onStderr}.
     */
    public Builder deliverWhileWaiting(boolean deliverWhileWaiting) {
      this.deliverWhileWaiting = deliverWhileWaiting;
      return this;
    }

    /** Builds the options. */
    public ExecOptions build() {
      return new ExecOptions(this);
    }
  }
}
