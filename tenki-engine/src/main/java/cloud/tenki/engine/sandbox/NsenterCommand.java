package cloud.tenki.engine.sandbox;

import java.util.ArrayList;
import java.util.List;

/** Builds the nsenter argv that both namespace launchers use to run a command inside. */
final class NsenterCommand {

  private NsenterCommand() {}

  static List<String> build(SandboxInit init, String cwd, List<String> command) {
    List<String> argv = new ArrayList<>();
    argv.add(HostSystem.require("nsenter", "util-linux"));
    argv.add("--target=" + init.targetPid());
    argv.add("--user");
    argv.add("--mount");
    argv.add("--pid");
    argv.add("--net");
    argv.add("--ipc");
    argv.add("--uts");
    // root and working directory are taken inside the sandbox's mount namespace; -w would open
    // the directory on the host side first and leak a host directory into the sandbox
    argv.add("--root");
    argv.add("--wdns=" + cwd);
    if (HostSystem.isRoot()) {
      argv.add("--setuid=1000");
      argv.add("--setgid=1000");
    } else {
      // unprivileged: the engine's own uid is the one mapped to the sandbox user, and
      // setgroups is denied in such a user namespace
      argv.add("--preserve-credentials");
    }
    argv.add("--");
    // setsid inside the sandbox: the command leads its own session and process group, so a
    // signal or timeout can take the whole group without touching nsenter
    argv.add("/usr/bin/setsid");
    argv.add("--");
    argv.addAll(command);
    return argv;
  }
}
