package cloud.tenki.engine.service;

/** Maps exit statuses in the 128+n convention to signal names. */
final class Signals {

  private static final String[] NAMES = {
    null, "SIGHUP", "SIGINT", "SIGQUIT", "SIGILL", "SIGTRAP", "SIGABRT", "SIGBUS", "SIGFPE",
    "SIGKILL", "SIGUSR1", "SIGSEGV", "SIGUSR2", "SIGPIPE", "SIGALRM", "SIGTERM"
  };

  private Signals() {}

  /**
   * The signal an exit status stands for, or null. Java reports a process killed by signal n as
   * 128+n, so a command that itself exits with 137 is indistinguishable from one killed by KILL.
   */
  static String nameOf(int exitStatus) {
    int n = exitStatus - 128;
    if (n > 0 && n < NAMES.length) {
      return NAMES[n];
    }
    return null;
  }
}
