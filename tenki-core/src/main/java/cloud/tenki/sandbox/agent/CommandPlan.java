package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.ExecOptions;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * What to run, checked: argv, working directory, environment, standard input and timeout, plus the
 * command as the model wrote it (for status listings).
 */
record CommandPlan(
    List<String> argv,
    String cwd,
    Map<String, String> env,
    byte[] stdin,
    Duration timeout,
    String shown) {

  /** Reads {@code cwd}, {@code env}, {@code stdin} and {@code timeout_seconds} from the call. */
  static CommandPlan of(Call call, List<String> argv, String shown, Map<String, String> extraEnv) {
    ToolArgs a = call.args;
    String cwd = null;
    if (a.has("cwd")) {
      try {
        cwd = Paths.resolve(a.string("cwd"));
      } catch (IllegalArgumentException e) {
        throw a.invalid("`cwd` " + e.getMessage().replaceFirst("^path ", ""));
      }
    }
    Map<String, String> env = new LinkedHashMap<>(extraEnv);
    for (Map.Entry<String, String> e : a.map("env").entrySet()) {
      String name = e.getKey();
      if (name.isEmpty() || name.indexOf('=') >= 0 || name.indexOf('\0') >= 0) {
        throw a.invalid("`env` names must be non-empty and contain no '=', got \"" + name + "\"");
      }
      if (e.getValue().indexOf('\0') >= 0) {
        throw a.invalid("`env." + name + "` must not contain a NUL character");
      }
      env.put(name, e.getValue());
    }
    byte[] stdin = a.has("stdin") ? a.string("stdin").getBytes(StandardCharsets.UTF_8) : null;
    long seconds = a.integer("timeout_seconds", call.settings.defaultTimeout().toSeconds());
    return new CommandPlan(argv, cwd, env, stdin, Duration.ofSeconds(seconds), shown);
  }

  /** Options for the SDK; output goes to the given callbacks. */
  ExecOptions.Builder options(boolean withTimeout) {
    ExecOptions.Builder b = ExecOptions.builder(argv).env(env);
    if (cwd != null) {
      b.cwd(cwd);
    }
    if (withTimeout) {
      b.timeout(timeout);
    }
    if (stdin != null) {
      b.stdin(stdin);
    }
    return b;
  }
}
