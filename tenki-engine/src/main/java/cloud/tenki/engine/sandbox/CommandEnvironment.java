package cloud.tenki.engine.sandbox;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Carries a command's environment past the engine's host-side launch chain.
 *
 * <p>Between the engine and a sandboxed command run a shell, {@code prlimit}, {@code setpriv} and
 * {@code nsenter} in the host's namespaces, as root on a root engine. Had they inherited the
 * caller's variables, {@code LD_PRELOAD}, {@code LD_LIBRARY_PATH}, {@code LD_DEBUG_OUTPUT} or
 * {@code GCONV_PATH} would have acted on the host with the engine's privileges. So host processes
 * get a fixed environment plus each value under a private name ({@code TENKI_ENV_<name>}, which no
 * loader or libc reads), and a short shell run inside the sandbox, as the sandbox user, restores
 * the real names just before the command execs, after dropping the host-side base variables. Values
 * never appear on a command line (which every host user can read); names do, and must be portable
 * identifiers. Stateless.
 */
final class CommandEnvironment {

  /** The only variables host-side processes of the launch chain ever see, besides the carriers. */
  static final Map<String, String> HOST_BASE =
      Map.of("PATH", "/usr/sbin:/usr/bin:/sbin:/bin", "LC_ALL", "C");

  static final String CARRIER_PREFIX = "TENKI_ENV_";

  private static final Pattern NAME = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");

  /**
   * Shell words naming the host-side variables, for an {@code unset} in the sandbox: a command gets
   * exactly the variables it was given, so the launch chain's {@code LC_ALL=C} never overrides the
   * sandbox's {@code LANG}.
   */
  static final String HOST_BASE_NAMES =
      String.join(" ", new java.util.TreeSet<>(HOST_BASE.keySet()));

  /**
   * Execs {@code "$@"}, first reporting a program that cannot run as a shell would ("x: command not
   * found", 127; "./x: Permission denied", 126), not with the launch script's own name and line
   * number.
   */
  static final String EXEC_COMMAND =
      "case $1 in\n"
          + "  */*)\n"
          + "    if [ ! -e \"$1\" ]; then printf '%s: No such file or directory\\n' \"$1\" >&2; exit 127;"
          + " fi\n"
          + "    if [ -d \"$1\" ]; then printf '%s: Is a directory\\n' \"$1\" >&2; exit 126; fi\n"
          + "    if [ ! -x \"$1\" ]; then printf '%s: Permission denied\\n' \"$1\" >&2; exit 126; fi ;;\n"
          + "  *)\n"
          + "    command -v -- \"$1\" >/dev/null 2>&1 ||"
          + " { printf '%s: command not found\\n' \"$1\" >&2; exit 127; } ;;\n"
          + "esac\n"
          + "exec \"$@\"\n";

  // names are identifiers (checked before they get here), so the eval only ever sees
  // `export "$1=${TENKI_ENV_<identifier>}"`
  private static final String RESTORE =
      "unset "
          + HOST_BASE_NAMES
          + "\n"
          + "while [ \"$1\" != -- ]; do\n"
          + "  eval \"export \\\"\\$1=\\${"
          + CARRIER_PREFIX
          + "$1}\\\"; unset "
          + CARRIER_PREFIX
          + "$1\"\n"
          + "  shift\n"
          + "done\n"
          + "shift\n"
          + EXEC_COMMAND;

  // the host's /usr is mounted read-only in every sandbox, while /bin is the sandbox's own and a
  // sandbox may have replaced it; privileged steps (volume mounts) go through this shell too
  static final String SHELL =
      java.nio.file.Files.isExecutable(java.nio.file.Path.of("/usr/bin/sh"))
          ? "/usr/bin/sh"
          : "/bin/sh";

  private CommandEnvironment() {}

  /**
   * A process builder for a step of a launch chain whose environment is the fixed base only, never
   * the engine's own (a command's launch adds its variables' carriers, {@link #hostEnvironment}).
   * The engine runs inside an application (or a shell) whose environment holds its secrets, API
   * keys among them; a sandbox's init, for one, is readable from inside the sandbox through {@code
   * /proc/1/environ}.
   */
  static ProcessBuilder launchStep(List<String> argv) {
    ProcessBuilder pb = new ProcessBuilder(argv);
    pb.environment().clear();
    pb.environment().putAll(HOST_BASE);
    return pb;
  }

  /** Whether {@code name} can be passed to a sandboxed command. */
  static boolean validName(String name) {
    return NAME.matcher(name).matches();
  }

  /** The environment of the host-side process: the fixed base plus one carrier per variable. */
  static Map<String, String> hostEnvironment(Map<String, String> vars) {
    Map<String, String> host = new HashMap<>(HOST_BASE);
    vars.forEach(
        (k, v) -> {
          if (validName(k)) {
            host.put(CARRIER_PREFIX + k, v);
          }
        });
    return host;
  }

  /** {@code command} prefixed with the in-sandbox shell that restores the variables' names. */
  static List<String> restoring(Map<String, String> vars, List<String> command) {
    List<String> argv = new ArrayList<>(List.of(SHELL, "-c", RESTORE, "tenki-env"));
    vars.keySet().stream().filter(CommandEnvironment::validName).sorted().forEach(argv::add);
    argv.add("--");
    argv.addAll(command);
    return argv;
  }
}
