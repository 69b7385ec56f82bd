package cloud.tenki.engine.sandbox;

import cloud.tenki.engine.concurrent.Timeouts;
import java.io.IOException;
import java.io.OutputStream;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Keeps one command launch of a sandbox ready ahead of time, so a command skips the host-side
 * launch chain's cost (the cgroup join, {@code nsenter}, {@code setsid}) when it starts.
 *
 * <p>A prepared launch is an ordinary launch chain whose last step is not the command but an
 * in-sandbox shell, running as the sandbox user, that blocks reading a {@link PreparedRequest} on
 * its stdin. {@link #launch} hands that process to exactly one caller, writes the request, and the
 * shell execs the command in place: the returned {@link Process}'s stdin (after the request),
 * stdout, stderr and exit status are the command's, exactly as with a launch started on demand.
 * Then {@link #refill} prepares the next one on a background thread, at most one at a time. A
 * command that arrives while the next one is still being prepared waits for it (one caller at a
 * time; others start the ordinary way), since it is ahead of any launch started later.
 *
 * <p>Process limit: a parked launch holds {@link #SLOTS} processes of the sandbox's pids cgroup
 * (nsenter, outside the sandbox's pid namespace, and the shell). While one is being prepared or
 * parked, the group's limit is raised by exactly that many through {@code headroom}, so the
 * sandbox's own code can start as many processes as without it; handing the launch to a command
 * lowers the limit again, because from then on it is that command's launch chain, which counts as
 * it always did.
 *
 * <p>Sandboxed code can see and kill the parked shell (same user): then {@link #launch} finds it
 * dead and returns null, and the caller starts the command the ordinary way. Thread-safe; {@link
 * #close} kills the parked or preparing launch, waits for it, and refuses to prepare any more.
 */
final class PreparedLaunch implements AutoCloseable {

  /** How long a caller waits for a launch being prepared before it starts its own. */
  private static final long CLAIM_WAIT_MS = 2000;

  /** Processes a parked launch holds in the sandbox's pids cgroup. */
  static final int SLOTS = 2;

  private static final org.slf4j.Logger LOG =
      org.slf4j.LoggerFactory.getLogger(PreparedLaunch.class);

  private static final ExecutorService PREPARERS =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "tenki-prepare-launch");
            t.setDaemon(true);
            return t;
          });

  /** Starts a launch chain that ends in the prepared shell. */
  @FunctionalInterface
  interface Starter {
    Process start() throws IOException;
  }

  /** Raises ({@code true}) or restores ({@code false}) the sandbox's process limit. */
  @FunctionalInterface
  interface Headroom {
    void reserve(boolean reserved);
  }

  private final Starter starter;
  private final Headroom headroom;
  private final AtomicLong launches = new AtomicLong();
  private Process ready;
  private Process inflight;
  private CompletableFuture<Void> task;
  private CompletableFuture<Process> claim;
  private Future<?> parkedWatch;
  private boolean closed;
  private boolean reserved;

  PreparedLaunch(Starter starter, Headroom headroom) {
    this.starter = starter;
    this.headroom = headroom;
  }

  /** Whether a launch is parked and alive. */
  synchronized boolean ready() {
    return ready != null && ready.isAlive();
  }

  /** How many commands started through a prepared launch. */
  long launches() {
    return launches.get();
  }

  /**
   * Starts {@code command} through the parked launch, or returns null when there is none alive or
   * the request cannot travel this way; the caller then starts it the ordinary way. With none
   * parked but one being prepared and nobody waiting for it yet, waits for that one: it started
   * earlier than an ordinary launch begun now, doing the same work, so it is ready sooner.
   *
   * <p>Returns only once the shell answered that it execs the command. A shell that dies first (the
   * sandbox's own code may kill it while it waits) ran nothing: null, and the ordinary path starts
   * the command. When {@code cwd} is not a directory, throws {@link MissingDirectoryException} if
   * {@code failOnMissingDirectory}, else returns the process, which ends with status 1 and says why
   * on stderr (as an ordinary launch does). {@code adopt} is applied to the launch before the
   * request is written, while its shell waits (see {@link OwnPipes#adopt}); the process returned is
   * what it gave.
   */
  Process launch(
      List<String> command,
      String cwd,
      Map<String, String> env,
      boolean failOnMissingDirectory,
      java.util.function.UnaryOperator<Process> adopt)
      throws MissingDirectoryException {
    byte[] request = PreparedRequest.encode(command, cwd, env);
    if (request == null) {
      return null;
    }
    Process p = take();
    if (p == null) {
      return null;
    }
    if (!p.isAlive()) {
      discard(p);
      return null;
    }
    // the parked shell waits: the chain's descriptors are its pipes for good, nothing is buffered
    p = adopt.apply(p);
    try {
      OutputStream in = p.getOutputStream();
      in.write(request);
      in.flush();
    } catch (IOException e) {
      // died before it read the request, so nothing ran
      discard(p);
      return null;
    }
    int answer = answer(p);
    if (answer == PreparedRequest.STARTING
        || answer == PreparedRequest.NO_DIRECTORY && !failOnMissingDirectory) {
      launches.incrementAndGet();
      return p;
    }
    discard(p);
    if (answer == PreparedRequest.NO_DIRECTORY) {
      throw new MissingDirectoryException(cwd);
    }
    return null;
  }

  /** How long a shell may take to answer before it counts as lost (a stopped one never does). */
  private static final long ANSWER_WAIT_MS = 10_000;

  /** The shell's answer to a request, or -1 when it ended (or stalled) without one. */
  private static int answer(Process p) {
    // a shell the sandbox stopped (SIGSTOP) would never answer: end the wait by killing it
    ScheduledFuture<?> watchdog =
        Timeouts.after(
            ANSWER_WAIT_MS,
            TimeUnit.MILLISECONDS,
            () -> HostSystem.killEntered(p, HostSystem.ENTERED_GRACE_MS));
    try {
      // the stream buffers what follows the answer, the command's own output, for its readers
      return p.getInputStream().read();
    } catch (IOException e) {
      return -1;
    } finally {
      watchdog.cancel(false);
    }
  }

  /** The parked launch, or the one being prepared once it is ready, or null. */
  private Process take() {
    CompletableFuture<Process> waiter;
    Process parked;
    Future<?> watch;
    synchronized (this) {
      parked = ready;
      watch = parkedWatch;
      if (parked == null) {
        if (closed || task == null || claim != null) {
          return null;
        }
        waiter = new CompletableFuture<>();
        claim = waiter;
      } else {
        waiter = null;
        ready = null;
        parkedWatch = null;
        reserve(false);
      }
    }
    if (parked != null) {
      if (watch != null) {
        watch.cancel(true); // from now on it is the command's process, no longer a parked one
      }
      return parked;
    }
    try {
      return waiter.get(CLAIM_WAIT_MS, TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      synchronized (this) {
        if (claim == waiter) {
          claim = null;
          return null;
        }
      }
      return waiter.join(); // handed over just now
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      synchronized (this) {
        if (claim == waiter) {
          claim = null;
          return null;
        }
      }
      discard(waiter.join());
      return null;
    } catch (ExecutionException e) {
      return null;
    }
  }

  /** Prepares the next launch in the background unless one is parked or under way. */
  void refill() {
    synchronized (this) {
      if (closed || ready != null || task != null) {
        return;
      }
      reserve(true);
      task = CompletableFuture.runAsync(this::prepare, PREPARERS);
    }
  }

  private void prepare() {
    Process p = null;
    boolean ok = false;
    try {
      p = starter.start();
      boolean registered;
      synchronized (this) {
        registered = !closed;
        inflight = registered ? p : null;
      }
      ok = registered && p.getInputStream().read() == PreparedRequest.READY && p.isAlive();
    } catch (IOException | RuntimeException e) {
      LOG.debug("preparing a launch failed: {}", e.toString());
    } finally {
      // whatever happened, the task ends here: no slots stay reserved, no caller keeps waiting
      finish(p, ok);
    }
  }

  /** Parks a prepared launch or hands it to the caller waiting for it; ends a failed one. */
  private void finish(Process p, boolean ok) {
    CompletableFuture<Process> waiter;
    boolean keep;
    synchronized (this) {
      inflight = null;
      task = null;
      waiter = claim;
      claim = null;
      keep = ok && !closed;
      if (keep && waiter == null) {
        ready = p;
      }
      if (ready == null) {
        reserve(false);
      }
    }
    if (!keep) {
      discard(p);
    } else if (waiter == null) {
      watchParked(p);
    }
    if (waiter != null) {
      waiter.complete(keep ? p : null);
    }
  }

  /**
   * Notices a parked launch dying while it waits. A pool thread waits for it until it dies or is
   * taken (then interrupted). {@code Process.onExit()} would do the same without a waiting thread,
   * but it completes through the common pool, which on a host with one or two cores starts a new
   * thread for every process that ever parked, on the path that reports a command's exit.
   */
  private void watchParked(Process p) {
    Future<?> watch =
        PREPARERS.submit(
            () -> {
              try {
                p.waitFor();
                lost(p);
              } catch (InterruptedException e) {
                // taken: the command's own caller waits for it from here on
              }
            });
    synchronized (this) {
      if (ready == p) {
        parkedWatch = watch;
        return;
      }
    }
    watch.cancel(true); // taken or closed before the watch was recorded
  }

  /** A parked launch died (sandboxed code may kill it): forget it and give the slots back. */
  private synchronized void lost(Process p) {
    if (ready == p) {
      ready = null;
      parkedWatch = null;
      reserve(false);
    }
  }

  private void reserve(boolean want) {
    if (reserved != want && (!want || !closed)) {
      reserved = want;
      headroom.reserve(want);
    }
  }

  /** Kills the parked or preparing launch, waits for it, and prepares no more. */
  @Override
  public void close() {
    Process r;
    Process f;
    CompletableFuture<Void> t;
    CompletableFuture<Process> w;
    synchronized (this) {
      closed = true;
      w = claim;
      claim = null;
      r = ready;
      f = inflight;
      t = task;
      ready = null;
      parkedWatch = null; // it ends once the discard below kills the parked launch
      inflight = null;
      reserve(false);
    }
    discard(r);
    discard(f);
    if (w != null) {
      w.complete(null);
    }
    if (t != null) {
      try {
        t.get(10, TimeUnit.SECONDS);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      } catch (Exception e) {
        LOG.debug("a launch being prepared did not finish: {}", e.toString());
      }
    }
  }

  /** Ends a launch that will never run a command: the shell inside first, then nsenter. */
  private static void discard(Process p) {
    if (p == null) {
      return;
    }
    try {
      // end of input makes the shell exit by itself; the kills cover a shell that is not reading
      p.getOutputStream().close();
    } catch (IOException e) {
      // already gone
    }
    HostSystem.killEntered(p, HostSystem.ENTERED_GRACE_MS);
    try {
      if (!p.waitFor(5, TimeUnit.SECONDS)) {
        LOG.warn("a prepared launch (pid {}) did not exit after SIGKILL", p.pid());
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    closeQuietly(p);
  }

  private static void closeQuietly(Process p) {
    try {
      p.getInputStream().close();
      p.getErrorStream().close();
    } catch (IOException e) {
      // nothing left to release
    }
  }
}
