package cloud.tenki.sandbox.agent;

import java.util.ArrayList;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A handle to cancel a running tool call: {@link #cancel()} kills the command it runs (and
 * everything the command started) and makes the call return its output so far with a note that it
 * was cancelled. A call whose handle is already cancelled does not start.
 *
 * <p>Thread-safe; one handle may serve one call or several. Faces connect it to MCP {@code
 * notifications/cancelled} or to a user's stop button.
 *
 * <pre>{@code
 * Cancellation cancel = new Cancellation();
 * executor.submit(() -> toolkit.call(key, "run_command", args, CallOptions.cancellation(cancel)));
 * cancel.cancel();
 * }</pre>
 */
public final class Cancellation {
  private static final Logger log = LoggerFactory.getLogger(Cancellation.class);

  private final List<Runnable> actions = new ArrayList<>();
  private boolean cancelled;

  /** Cancels: runs every registered action once. Idempotent. */
  public void cancel() {
    List<Runnable> toRun;
    synchronized (this) {
      if (cancelled) {
        return;
      }
      cancelled = true;
      toRun = new ArrayList<>(actions);
      actions.clear();
    }
    for (Runnable r : toRun) {
      run(r);
    }
  }

  /** Whether {@link #cancel()} was called. */
  public synchronized boolean isCancelled() {
    return cancelled;
  }

  /**
   * Runs {@code action} when this handle is cancelled, at once if it already is. Closing the
   * returned handle unregisters the action.
   */
  public Registration onCancel(Runnable action) {
    java.util.Objects.requireNonNull(action, "action");
    synchronized (this) {
      if (!cancelled) {
        actions.add(action);
        return () -> {
          synchronized (Cancellation.this) {
            actions.remove(action);
          }
        };
      }
    }
    run(action);
    return () -> {};
  }

  /** An action registered with {@link #onCancel}; closing it unregisters the action. */
  public interface Registration extends AutoCloseable {
    /** Unregisters the action. Idempotent; throws nothing. */
    @Override
    void close();
  }

  private static void run(Runnable r) {
    try {
      r.run();
    } catch (RuntimeException e) {
      log.warn("a cancellation action failed: {}", e.toString());
    }
  }
}
