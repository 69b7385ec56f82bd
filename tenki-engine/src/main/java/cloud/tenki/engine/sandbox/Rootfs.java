package cloud.tenki.engine.sandbox;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileVisitResult;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.SimpleFileVisitor;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayList;
import java.util.List;

/**
 * The directory that becomes a sandbox's {@code /}: a private writable tree with {@code
 * /home/tenki}, {@code /tmp} and a minimal {@code /etc} (with its own login profile), plus mount
 * points for the host's read-only {@code /usr} and a few shared {@code /etc} entries.
 *
 * <p>Stateless helpers; safe from any thread. The engine writes here only before the sandbox first
 * starts and deletes the tree only when no sandbox process is alive, so no sandbox process can race
 * these operations.
 */
public final class Rootfs {

  /**
   * Host {@code /etc} entries shared read-only: what a shell, libc, TLS, python3 and other programs
   * of the host's {@code /usr} need. None holds secrets; the host's own package-manager settings
   * ({@code pip.conf}, {@code npmrc}, {@code gitconfig}) are not shared.
   */
  public static final List<String> SHARED_ETC =
      List.of(
          "alternatives",
          "ld.so.cache",
          "ld.so.conf",
          "ld.so.conf.d",
          "ssl",
          "ca-certificates",
          "ca-certificates.conf",
          "localtime",
          "timezone",
          "services",
          "protocols",
          "mime.types",
          "os-release",
          "debian_version",
          "terminfo",
          "bash.bashrc",
          "inputrc",
          "python3",
          "python3.11",
          "python3.12",
          "gai.conf",
          "host.conf",
          "locale.alias",
          "fonts",
          "magic",
          "magic.mime",
          // what Maven's launcher reads; not settings.xml, where hosts may keep credentials
          "maven/m2.conf",
          "maven/logging");

  /**
   * The shared {@code /etc} entries this host has: {@link #SHARED_ETC} plus each JDK's own
   * directory ({@code java-17-openjdk} and the like), which its {@code conf} links into and without
   * which {@code java} fails at start ("Error loading java.security file").
   */
  static List<String> sharedEtc() {
    List<String> names = new ArrayList<>(SHARED_ETC);
    try (java.util.stream.Stream<Path> etc = Files.list(Path.of("/etc"))) {
      etc.map(p -> p.getFileName().toString())
          .filter(n -> JDK_ETC.matcher(n).matches())
          .sorted()
          .forEach(names::add);
    } catch (IOException e) {
      // no JDK directories then
    }
    return names;
  }

  private static final java.util.regex.Pattern JDK_ETC =
      java.util.regex.Pattern.compile("java-[0-9]+-openjdk(-[a-z0-9]+)?");

  /** What bash says when a command asks for root ({@code $1} is the command's name). */
  private static final String NO_ROOT =
      "$1: not available: commands in this sandbox run as user tenki, without root. Install"
          + " Python packages with pip install and Node.js packages with npm install -g (both go"
          + " to ~/.local); system packages (apt-get) cannot be installed in a local sandbox.";

  /**
   * The sandbox's {@code /etc/profile}, read by every login shell ({@code bash -l}, {@code sh -l},
   * SSH sessions). Distributions' profiles ask {@code id -u} whether the user is root, which starts
   * a process in every login shell (about a millisecond, more than the rest of a shell's start);
   * here commands always run as user {@code tenki}, so the profile uses shell built-ins only. It
   * keeps the caller's {@code PATH} (a distribution's would replace it), falls back to the engine's
   * default when there is none, puts {@code ~/.local/bin} and {@code ~/bin} first once they exist
   * (where {@code pip install --user} and the like put programs), and reads {@code
   * /etc/profile.d/*.sh} and, for interactive bash, {@code /etc/bash.bashrc}. In bash, a missing
   * {@code sudo} (or {@code su}, {@code doas}) says that there is no root and what to use instead.
   */
  static final String PROFILE =
      "# Login profile of a tenki sandbox, written by the engine. It starts no process.\n"
          + "if [ -z \"${PATH-}\" ]; then\n"
          + "  PATH="
          + Sandbox.DEFAULT_PATH
          + "\n"
          + "fi\n"
          // each goes in front: ~/bin ends up first, then ~/.local/bin (on the base PATH already)
          + "for _tenki_dir in \"${HOME-/home/tenki}/.local/bin\" \"${HOME-/home/tenki}/bin\"; do\n"
          + "  if [ -d \"$_tenki_dir\" ]; then\n"
          + "    case \":$PATH:\" in\n"
          + "      *\":$_tenki_dir:\"*) ;;\n"
          + "      *) PATH=\"$_tenki_dir:$PATH\" ;;\n"
          + "    esac\n"
          + "  fi\n"
          + "done\n"
          + "unset _tenki_dir\n"
          + "export PATH\n"
          + "if [ \"${PS1-}\" ]; then\n"
          + "  if [ \"${BASH-}\" ] && [ \"$BASH\" != /bin/sh ]; then\n"
          + "    if [ -f /etc/bash.bashrc ]; then\n"
          + "      . /etc/bash.bashrc\n"
          + "    fi\n"
          + "  else\n"
          + "    PS1='$ '\n"
          + "  fi\n"
          + "fi\n"
          // asking for root is a dead end here: say so, and what works instead
          + "if [ -n \"${BASH_VERSION-}\" ]; then\n"
          + "  command_not_found_handle() {\n"
          + "    case $1 in\n"
          + "      sudo|su|doas) printf '%s\\n' \""
          + NO_ROOT
          + "\" >&2 ;;\n"
          + "      *) printf 'bash: %s: command not found\\n' \"$1\" >&2 ;;\n"
          + "    esac\n"
          + "    return 127\n"
          + "  }\n"
          + "fi\n"
          + "if [ -d /etc/profile.d ]; then\n"
          + "  for _tenki_script in /etc/profile.d/*.sh; do\n"
          + "    if [ -r \"$_tenki_script\" ]; then\n"
          + "      . \"$_tenki_script\"\n"
          + "    fi\n"
          + "  done\n"
          + "  unset _tenki_script\n"
          + "fi\n";

  /**
   * The sandbox's {@code /etc/pip.conf}. Debian marks its Python as managed by the distribution
   * (PEP 668), so a plain {@code pip install} fails with "externally-managed-environment" and an
   * assistant detours through a virtual environment or flags. The sandbox's system site-packages
   * are read-only, so with the marker overridden pip installs into {@code ~/.local} by itself
   * ("Defaulting to user installation"): the distribution's packages stay untouched, and inside a
   * virtual environment the setting changes nothing.
   */
  static final String PIP_CONF =
      "# pip settings of a tenki sandbox, written by the engine. System site-packages are\n"
          + "# read-only, so `pip install` installs into ~/.local.\n"
          + "[global]\n"
          + "break-system-packages = true\n";

  /**
   * The sandbox's {@code /etc/gitconfig}: an identity, so that {@code git commit} works in a new
   * sandbox (git refuses to guess one from a host name without a domain), and {@code main} for new
   * repositories, which also spares every {@code git init} a ten-line hint. Settings in {@code
   * ~/.gitconfig} or a repository's own config take precedence.
   */
  static String gitConfig(String hostname) {
    return "# git settings of a tenki sandbox, written by the engine. Set your own identity with\n"
        + "#   git config --global user.name NAME; git config --global user.email EMAIL\n"
        + "[user]\n"
        + "\tname = tenki\n"
        + "\temail = tenki@"
        + hostname
        + ".invalid\n"
        + "[init]\n"
        + "\tdefaultBranch = main\n";
  }

  /** Top-level names that merged-/usr hosts make symlinks into /usr. */
  public static final List<String> USR_LINKS = List.of("bin", "sbin", "lib", "lib64", "lib32");

  private Rootfs() {}

  /** Host paths to bind read-only into a sandbox, as {@code [host, sandbox]} pairs. */
  public static List<String[]> readOnlyBinds() {
    List<String[]> binds = new ArrayList<>();
    binds.add(new String[] {"/usr", "/usr"});
    for (String name : USR_LINKS) {
      Path host = Path.of("/", name);
      if (Files.isDirectory(host, LinkOption.NOFOLLOW_LINKS)) {
        binds.add(new String[] {host.toString(), host.toString()});
      }
    }
    for (String name : sharedEtc()) {
      Path host = Path.of("/etc", name);
      if (Files.exists(host)) {
        binds.add(new String[] {host.toString(), host.toString()});
      }
    }
    return binds;
  }

  /**
   * Creates the tree. {@code owner} is the host uid that the sandbox's {@code tenki} user maps to
   * (or -1 to keep the engine's own).
   */
  public static void create(Path root, String hostname, boolean outbound, int owner, int sandboxUid)
      throws IOException {
    Files.createDirectories(root);
    for (String d : List.of("home/tenki", "tmp", "etc", "usr", "proc", "dev", "run", "var/tmp")) {
      Files.createDirectories(root.resolve(d));
    }
    // where user-level installs put programs (pip, npm -g): there from the start, so the first
    // login shell keeps it on PATH and `pip install black && black .` finds black
    Path userBin = Files.createDirectories(root.resolve(Sandbox.USER_BIN.substring(1)));
    // models type `python` (and `python -m pytest`); Debian has only python3 unless the
    // python-is-python3 package is installed
    if (Files.exists(Path.of("/usr/bin/python3")) && !Files.exists(Path.of("/usr/bin/python"))) {
      Files.createSymbolicLink(userBin.resolve("python"), Path.of("/usr/bin/python3"));
    }
    Files.setPosixFilePermissions(
        root.resolve("tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
    Files.setPosixFilePermissions(
        root.resolve("var/tmp"), PosixFilePermissions.fromString("rwxrwxrwx"));
    for (String name : USR_LINKS) {
      Path host = Path.of("/", name);
      Path inside = root.resolve(name);
      if (Files.isSymbolicLink(host)) {
        Files.createSymbolicLink(inside, Files.readSymbolicLink(host));
      } else if (Files.isDirectory(host)) {
        Files.createDirectories(inside);
      }
    }
    for (String name : sharedEtc()) {
      Path host = Path.of("/etc", name);
      Path inside = root.resolve("etc").resolve(name);
      Files.createDirectories(inside.getParent());
      if (Files.isDirectory(host)) {
        Files.createDirectories(inside);
      } else if (Files.exists(host)) {
        Files.createFile(inside);
      }
    }
    writeEtc(root.resolve("etc"), hostname, outbound, sandboxUid);
    if (owner >= 0) {
      chownTree(root, owner);
    }
    // the tree's path is in the init's command line, which every host user can read; only the
    // sandbox's own uid (and root) may enter it
    Files.setPosixFilePermissions(root, PosixFilePermissions.fromString("rwx------"));
  }

  private static void writeEtc(Path etc, String hostname, boolean outbound, int uid)
      throws IOException {
    write(
        etc.resolve("passwd"),
        "root:x:0:0:root:/root:/bin/sh\n"
            + "tenki:x:"
            + uid
            + ":"
            + uid
            + ":tenki:/home/tenki:/bin/bash\n"
            + "nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin\n");
    write(etc.resolve("group"), "root:x:0:\ntenki:x:" + uid + ":\nnogroup:x:65534:\n");
    write(etc.resolve("hostname"), hostname + "\n");
    write(
        etc.resolve("hosts"),
        "127.0.0.1\tlocalhost\n::1\tlocalhost ip6-localhost ip6-loopback\n127.0.1.1\t"
            + hostname
            + "\n"
            + (outbound ? hostNames(Path.of("/etc/hosts")) : ""));
    write(etc.resolve("profile"), PROFILE);
    write(etc.resolve("nsswitch.conf"), "passwd: files\ngroup: files\nhosts: files dns\n");
    write(etc.resolve("pip.conf"), PIP_CONF);
    write(etc.resolve("gitconfig"), gitConfig(hostname));
    if (outbound) {
      // slirp4netns answers DNS here and forwards to the host's resolvers
      write(etc.resolve("resolv.conf"), "nameserver 10.0.2.3\n");
    }
  }

  /**
   * The entries of the host's hosts file that name other machines, for a sandbox with outbound
   * network: it reaches the network around the host, so names the host resolves through its hosts
   * file (an internal registry or mirror, say) resolve the same inside. Loopback entries are left
   * out, since the sandbox's loopback is its own. Empty when the file is missing or unreadable.
   */
  public static String hostNames(Path hostsFile) {
    List<String> lines;
    try {
      lines = Files.readAllLines(hostsFile, StandardCharsets.UTF_8);
    } catch (IOException | RuntimeException e) {
      return "";
    }
    StringBuilder out = new StringBuilder();
    for (String line : lines) {
      String entry = line.replaceFirst("#.*", "").strip();
      String[] fields = entry.split("\\s+");
      if (fields.length < 2 || isLoopback(fields[0])) {
        continue;
      }
      if (out.length() == 0) {
        out.append("# from the host's /etc/hosts\n");
      }
      out.append(String.join("\t", fields)).append('\n');
    }
    return out.toString();
  }

  private static boolean isLoopback(String address) {
    return address.startsWith("127.") || address.equals("::1") || address.equals("0:0:0:0:0:0:0:1");
  }

  private static void write(Path file, String text) throws IOException {
    Files.writeString(file, text, StandardCharsets.UTF_8);
  }

  private static void chownTree(Path root, int owner) throws IOException {
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            chown(dir, owner);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            chown(file, owner);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /** Changes owner and group of one path without following a symlink. */
  public static void chown(Path path, int owner) throws IOException {
    Files.setAttribute(path, "unix:uid", owner, LinkOption.NOFOLLOW_LINKS);
    Files.setAttribute(path, "unix:gid", owner, LinkOption.NOFOLLOW_LINKS);
  }

  /** Deletes the tree without following symlinks. Call only when no sandbox process is alive. */
  public static void delete(Path root) throws IOException {
    if (!Files.exists(root, LinkOption.NOFOLLOW_LINKS)) {
      return;
    }
    Files.walkFileTree(
        root,
        new SimpleFileVisitor<>() {
          @Override
          public FileVisitResult preVisitDirectory(Path dir, BasicFileAttributes attrs)
              throws IOException {
            // a directory the sandbox made unreadable to its owner is still ours to delete
            dir.toFile().setWritable(true, true);
            dir.toFile().setExecutable(true, true);
            dir.toFile().setReadable(true, true);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult visitFile(Path file, BasicFileAttributes attrs)
              throws IOException {
            Files.delete(file);
            return FileVisitResult.CONTINUE;
          }

          @Override
          public FileVisitResult postVisitDirectory(Path dir, IOException exc) throws IOException {
            Files.delete(dir);
            return FileVisitResult.CONTINUE;
          }
        });
  }

  /**
   * The size cap of a sandbox's {@code /dev/shm}: half its memory limit (the kernel's default share
   * for tmpfs), because tmpfs pages live in host RAM and only a memory cgroup counts them; under
   * rlimits nothing else would bound them.
   */
  static long shmBytes(Limits limits) {
    long memory = limits.memoryMb() > 0 ? limits.memoryMb() * 1024L * 1024L : 1L << 30;
    return Math.max(1L << 20, memory / 2);
  }
}
