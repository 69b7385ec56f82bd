package cloud.tenki.engine.sandbox;

import java.io.IOException;

/**
 * A process could not start in a sandbox because the sandbox already runs as many processes as its
 * limit allows. Its message is meant for the caller.
 */
public final class ProcessLimitException extends IOException {
  private static final long serialVersionUID = 1L;

  ProcessLimitException(int limit) {
    super(
        "sandbox process limit reached: its processes and threads use up its limit of "
            + limit
            + ", so no new process can start until some of them end");
  }
}
