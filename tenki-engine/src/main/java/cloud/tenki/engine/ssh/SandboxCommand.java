package cloud.tenki.engine.ssh;

import cloud.tenki.engine.sandbox.IoThreads;
import cloud.tenki.engine.service.RunningProcess;
import cloud.tenki.engine.session.Session;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.apache.sshd.server.Environment;
import org.apache.sshd.server.ExitCallback;
import org.apache.sshd.server.Signal;
import org.apache.sshd.server.channel.ChannelSession;
import org.apache.sshd.server.command.Command;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An SSH exec, shell or subsystem channel served by a process inside the session's sandbox, started
 * exactly like a {@code Run} command (same namespaces, as {@code tenki}, in the sandbox's cgroups),
 * so nothing an SSH client does touches the host. With a pty the process runs under util-linux
 * {@code script}, which gives it a real terminal inside the sandbox; window changes are applied
 * with {@code stty} on that terminal.
 *
 * <p>One instance per channel; MINA calls it from its own threads, the pumps run on the engine's
 * I/O pool.
 */
final class SandboxCommand implements Command {

  private static final Logger LOG = LoggerFactory.getLogger(SandboxCommand.class);

  /** Runs under {@code script}: report the terminal on fd 3, size it, then become the command. */
  private static final String PTY_INNER =
      "tty >&3; exec 3>&-; stty rows \"$TENKI_ROWS\" cols \"$TENKI_COLS\" 2>/dev/null;"
          + " c=$TENKI_CMD; unset TENKI_ROWS TENKI_COLS TENKI_CMD;"
          + " if [ -n \"$c\" ]; then exec bash -c \"$c\"; else exec bash -il; fi";

  private final Session session;
  private final String command;
  private final List<String> argv;
  private InputStream in;
  private OutputStream out;
  private OutputStream err;
  private ExitCallback exit;
  private volatile RunningProcess running;
  private volatile String tty;
  private volatile long lastOutputNanos = System.nanoTime();

  /** After the command's exit, how long its output may go quiet before the channel ends. */
  private static final long QUIET_NANOS = 200_000_000L;

  /** After the command's exit, how long output may keep the channel open at most. */
  private static final long DRAIN_NANOS = 5_000_000_000L;

  /**
   * @param command a shell command line ({@code null} for a login shell)
   * @param argv a program to run instead (subsystems), or null
   */
  SandboxCommand(Session session, String command, List<String> argv) {
    this.session = session;
    this.command = command;
    this.argv = argv;
  }

  @Override
  public void setInputStream(InputStream in) {
    this.in = in;
  }

  @Override
  public void setOutputStream(OutputStream out) {
    this.out = out;
  }

  @Override
  public void setErrorStream(OutputStream err) {
    this.err = err;
  }

  @Override
  public void setExitCallback(ExitCallback callback) {
    this.exit = callback;
  }

  @Override
  public void start(ChannelSession channel, Environment env) throws IOException {
    Map<String, String> vars = new HashMap<>(session.env());
    Map<String, String> client = env.getEnv();
    boolean pty = argv == null && !env.getPtyModes().isEmpty();
    for (String k : List.of("LANG", "LC_ALL", "LC_CTYPE", "TERM")) {
      if (client.containsKey(k)) {
        vars.put(k, client.get(k));
      }
    }
    List<String> cmd;
    if (argv != null) {
      cmd = argv;
    } else if (pty) {
      vars.put("TENKI_ROWS", number(client.get(Environment.ENV_LINES), 24));
      vars.put("TENKI_COLS", number(client.get(Environment.ENV_COLUMNS), 80));
      vars.put("TENKI_CMD", command == null ? "" : command);
      cmd = List.of("/bin/sh", "-c", "exec script -qfec \"$0\" /dev/null 3>&2", PTY_INNER);
    } else {
      cmd = command == null ? List.of("/bin/bash", "-l") : List.of("/bin/bash", "-c", command);
    }
    session.requireRunning();
    Process p = session.sandbox().exec(new ArrayList<>(cmd), "/home/tenki", vars, null, true);
    running = new RunningProcess(p, session.sandbox().isolation().equals("none"));
    if (pty) {
      env.addSignalListener((ch, signal) -> resize(env), Signal.WINCH);
    }
    CountDownLatch pumps = new CountDownLatch(2);
    IoThreads.POOL.execute(() -> pumpIn(p));
    IoThreads.POOL.execute(() -> pumpOut(p.getInputStream(), out, pumps, false));
    IoThreads.POOL.execute(() -> pumpOut(p.getErrorStream(), err, pumps, pty));
    IoThreads.POOL.execute(() -> awaitExit(p, pumps));
  }

  private static String number(String v, int fallback) {
    try {
      int n = Integer.parseInt(v == null ? "" : v.trim());
      return Integer.toString(n > 0 && n < 10000 ? n : fallback);
    } catch (NumberFormatException e) {
      return Integer.toString(fallback);
    }
  }

  private void pumpIn(Process p) {
    try (OutputStream to = p.getOutputStream()) {
      byte[] buf = new byte[32 * 1024];
      int n;
      while ((n = in.read(buf)) >= 0) {
        to.write(buf, 0, n);
        to.flush();
      }
    } catch (IOException e) {
      // the process or the channel went away
    }
  }

  private void pumpOut(InputStream from, OutputStream to, CountDownLatch done, boolean ttyFirst) {
    byte[] buf = new byte[32 * 1024];
    try (from) {
      if (ttyFirst) {
        tty = readLine(from);
      }
      int n;
      while ((n = from.read(buf)) >= 0) {
        lastOutputNanos = System.nanoTime();
        try {
          to.write(buf, 0, n);
          to.flush();
        } catch (IOException closed) {
          // the channel is closed; what the command left running may still write here
          cloud.tenki.engine.sandbox.LingeringOutput.drop(from, buf);
          return;
        }
      }
    } catch (IOException e) {
      // the pipe failed; the process is killed by destroy
    } finally {
      done.countDown();
    }
  }

  private static String readLine(InputStream in) throws IOException {
    ByteArrayOutputStream line = new ByteArrayOutputStream();
    int c;
    while ((c = in.read()) >= 0 && c != '\n' && line.size() < 256) {
      line.write(c);
    }
    return line.toString(StandardCharsets.UTF_8).trim();
  }

  /**
   * Waits for the command's output to reach end of file, and at most until it has been quiet for
   * {@link #QUIET_NANOS} or {@link #DRAIN_NANOS} have passed: a process the command left running
   * ({@code server &}) keeps the pipes open for as long as it lives.
   */
  private void awaitOutput(CountDownLatch pumps) throws InterruptedException {
    long exited = System.nanoTime();
    while (!pumps.await(50, TimeUnit.MILLISECONDS)) {
      long now = System.nanoTime();
      boolean quiet = now - Math.max(exited, lastOutputNanos) >= QUIET_NANOS;
      if (quiet || now - exited >= DRAIN_NANOS) {
        return;
      }
    }
  }

  private void awaitExit(Process p, CountDownLatch pumps) {
    int code;
    try {
      code = p.waitFor();
      awaitOutput(pumps);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      code = 130;
    }
    try {
      out.flush();
      err.flush();
    } catch (IOException e) {
      // closed already
    }
    exit.onExit(code);
  }

  /** Applies the client's new window size to the sandbox terminal. */
  private void resize(Environment env) {
    String t = tty;
    if (t == null || !t.startsWith("/dev/pts/")) {
      return;
    }
    Map<String, String> c = env.getEnv();
    List<String> stty =
        List.of(
            "stty",
            "-F",
            t,
            "rows",
            number(c.get(Environment.ENV_LINES), 24),
            "cols",
            number(c.get(Environment.ENV_COLUMNS), 80));
    try {
      Process p = session.sandbox().exec(new ArrayList<>(stty), "/", Map.of());
      p.getOutputStream().close();
      p.waitFor(5, TimeUnit.SECONDS);
    } catch (IOException e) {
      LOG.debug("window change failed: {}", e.toString());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Override
  public void destroy(ChannelSession channel) {
    RunningProcess rp = running;
    if (rp != null && rp.process().isAlive()) {
      rp.signalGroup("KILL");
      rp.process().destroyForcibly();
    }
  }
}
