package cloud.tenki.mcp.cli;

import cloud.tenki.mcp.config.Setting;
import java.util.List;
import java.util.Map;

/**
 * What the command line asked for.
 *
 * @param command {@code serve}, {@code tools} or {@code call}
 * @param settings option values by setting
 * @param tool the tool to call ({@code call})
 * @param arguments {@code --arg} values ({@code call})
 * @param json {@code --json} value ({@code call}); non-null for {@code tools --json}
 * @param raw {@code --raw} ({@code call})
 * @param exitCode {@code >= 0} when parsing already finished the run (help, usage error)
 */
record Invocation(
    String command,
    Map<Setting, List<String>> settings,
    String tool,
    List<String> arguments,
    String json,
    boolean raw,
    int exitCode) {

  static Invocation serve() {
    return new Invocation("serve", Map.of(), null, List.of(), null, false, -1);
  }

  static Invocation exit(int code) {
    return new Invocation("exit", Map.of(), null, List.of(), null, false, code);
  }
}
