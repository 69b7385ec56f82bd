package cloud.tenki.sandbox.agent;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The background processes of one sandbox, by process id. Bounded: at most {@link #MAX_RUNNING} run
 * at once, and only the {@link #MAX_KEPT} most recent are remembered. Thread-safe.
 */
final class BackgroundProcesses {
  static final int MAX_RUNNING = 16;
  static final int MAX_KEPT = 32;

  private final Map<String, BackgroundProcess> byId = new LinkedHashMap<>();

  /** Adds a process, forgetting the oldest ended ones beyond the limit. */
  synchronized void add(BackgroundProcess p) {
    byId.put(p.id, p);
    var it = byId.values().iterator();
    while (byId.size() > MAX_KEPT && it.hasNext()) {
      BackgroundProcess old = it.next();
      if (!old.running()) {
        it.remove();
      }
    }
  }

  synchronized void remove(String id) {
    byId.remove(id);
  }

  synchronized BackgroundProcess get(String id) {
    return byId.get(id);
  }

  synchronized int runningCount() {
    int n = 0;
    for (BackgroundProcess p : byId.values()) {
      if (p.running()) {
        n++;
      }
    }
    return n;
  }

  synchronized List<BackgroundProcess> all() {
    return new ArrayList<>(byId.values());
  }

  synchronized List<String> ids() {
    return new ArrayList<>(byId.keySet());
  }

  /** Records that every process ended for {@code why} (the sandbox was paused, for example). */
  void markAllStopped(String why) {
    for (BackgroundProcess p : all()) {
      p.close(why);
    }
  }

  /** Kills every process and releases its stream. */
  void closeAll() {
    markAllStopped("the sandbox was closed");
  }
}
