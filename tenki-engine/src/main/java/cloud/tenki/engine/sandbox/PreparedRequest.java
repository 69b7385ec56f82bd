package cloud.tenki.engine.sandbox;

import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;

/**
 * The tiny protocol between the engine and a prepared in-sandbox shell (see {@link
 * PreparedLaunch}): the shell script that waits for one request on its stdin, and the encoder for
 * that request.
 *
 * <p>A request is, in this order: the argument count, each argument as a field, the working
 * directory as a field, then per variable its name on a line and its value as a field, ended by an
 * empty name line. A field is a line holding how many lines follow, then those lines; the value is
 * them joined with newlines. So any value without NUL travels (newlines, backslashes, quotes,
 * leading or trailing blanks, any bytes of UTF-8), and the shell reads it with its {@code read}
 * builtin alone: no fork, and, because a shell reads a pipe one byte at a time, not one byte past
 * the request. What follows on stdin is the command's.
 *
 * <p>The script runs as the sandbox user inside the sandbox. It writes one byte ({@link #READY}) on
 * stdout when it is ready, before it reads anything, so the engine parks only shells that made it
 * through the whole launch chain. It changes into the working directory before it exports any
 * variable, so a caller's {@code CDPATH} or {@code PWD} cannot steer it. Its own variables all
 * start with {@link #RESERVED_PREFIX}; a variable of that name could be overwritten by the loop
 * that reads the rest, so requests carrying one are not encoded (the cold path serves them).
 *
 * <p>Before the command's first byte, the shell answers on stdout: {@link #STARTING} just before it
 * execs the command, or {@link #NO_DIRECTORY} when it cannot change into the working directory (it
 * then says why on stderr and exits with status 1). No answer means it died first and nothing ran.
 * Stateless.
 */
final class PreparedRequest {

  /** The byte the prepared shell writes on stdout once it waits for its request. */
  static final int READY = 'R';

  /** The byte the shell writes on stdout just before it execs the command. */
  static final int STARTING = 'C';

  /** The byte the shell writes on stdout when the working directory is not one it can enter. */
  static final int NO_DIRECTORY = 'F';

  /** Names the shell uses for itself; a request setting one of them takes the cold path. */
  static final String RESERVED_PREFIX = "_tenki_";

  /** Requests above this size take the cold path: the shell reads them a byte per system call. */
  static final int MAX_BYTES = 32 * 1024;

  static final String SCRIPT =
      "_tenki_nl='\n'\n"
          + "_tenki_field() {\n"
          + "  IFS= read -r _tenki_n || exit 125\n"
          + "  _tenki_v=; _tenki_s=\n"
          + "  while [ \"$_tenki_n\" -gt 0 ]; do\n"
          + "    IFS= read -r _tenki_l || exit 125\n"
          + "    _tenki_v=$_tenki_v$_tenki_s$_tenki_l; _tenki_s=$_tenki_nl\n"
          + "    _tenki_n=$((_tenki_n-1))\n"
          + "  done\n"
          + "}\n"
          + "printf R\n"
          + "IFS= read -r _tenki_argc || exit 125\n"
          + "set --\n"
          + "while [ \"$_tenki_argc\" -gt 0 ]; do\n"
          + "  _tenki_field; set -- \"$@\" \"$_tenki_v\"; _tenki_argc=$((_tenki_argc-1))\n"
          + "done\n"
          + "_tenki_field\n"
          + "cd -P -- \"$_tenki_v\" 2>/dev/null || {\n"
          + "  printf F\n"
          + "  printf 'tenki-engine: cannot change directory to %s\\n' \"$_tenki_v\" >&2; exit 1; }\n"
          // the launch chain started in /: forget it, as a shell started in the directory would;
          // the chain's own variables are not the command's
          + "unset OLDPWD "
          + CommandEnvironment.HOST_BASE_NAMES
          + "\n"
          + "while IFS= read -r _tenki_k && [ -n \"$_tenki_k\" ]; do\n"
          + "  _tenki_field; export \"$_tenki_k=$_tenki_v\"\n"
          + "done\n"
          + "printf C\n"
          + CommandEnvironment.EXEC_COMMAND;

  private PreparedRequest() {}

  /** The in-sandbox command a prepared launch chain ends in. */
  static List<String> shellCommand() {
    return List.of(CommandEnvironment.SHELL, "-c", SCRIPT, "tenki-prepared");
  }

  /**
   * The request for {@code command} in {@code cwd} with exactly the variables {@code env}, or null
   * when it cannot go this way (a reserved name, or too large).
   */
  static byte[] encode(List<String> command, String cwd, Map<String, String> env) {
    StringBuilder sb = new StringBuilder(256);
    sb.append(command.size()).append('\n');
    command.forEach(a -> field(sb, a));
    field(sb, cwd);
    for (Map.Entry<String, String> e : env.entrySet()) {
      String name = e.getKey();
      if (!CommandEnvironment.validName(name)) {
        continue; // refused before they get here; the cold path drops them as well
      }
      if (name.startsWith(RESERVED_PREFIX)) {
        return null;
      }
      sb.append(name).append('\n');
      field(sb, e.getValue());
    }
    sb.append('\n');
    byte[] bytes = sb.toString().getBytes(StandardCharsets.UTF_8);
    return bytes.length > MAX_BYTES ? null : bytes;
  }

  private static void field(StringBuilder sb, String value) {
    int lines = 1;
    for (int i = 0; i < value.length(); i++) {
      if (value.charAt(i) == '\n') {
        lines++;
      }
    }
    sb.append(lines).append('\n').append(value).append('\n');
  }
}
