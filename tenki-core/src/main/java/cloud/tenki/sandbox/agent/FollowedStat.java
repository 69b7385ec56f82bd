package cloud.tenki.sandbox.agent;

import cloud.tenki.sandbox.FileStat;
import cloud.tenki.sandbox.SandboxFiles;
import cloud.tenki.sandbox.internal.dataplane.SandboxPaths;

/**
 * What a path leads to once its symbolic links are followed, as reading or writing through it does.
 * A stat reports a link itself (its size is the length of the target's name), so a tool that sized
 * a read by it would return the first few bytes of the file and call that the whole.
 *
 * @param stat the stat of the final target (not existing when a link dangles)
 * @param target the path of the final target, as the links spell it (the path itself when it is not
 *     a link); {@code ..} in it is resolved by the sandbox, through links, as the kernel does
 * @param links how many links were followed
 */
record FollowedStat(FileStat stat, String target, int links) {

  /** The kernel's own limit on links in one path lookup. */
  static final int MAX_LINKS = 40;

  /**
   * Stats {@code path} and, while the result is a link, its target. {@code first} is the stat of
   * {@code path} itself, already made by the caller (the first request of a call goes through
   * {@link Lease#first}).
   */
  static FollowedStat follow(SandboxFiles fs, String path, FileStat first) {
    FileStat st = first;
    String at = path;
    int links = 0;
    while (st.exists() && st.symlink()) {
      if (++links > MAX_LINKS) {
        throw new ToolFailure(
            path + " leads through more than " + MAX_LINKS + " symbolic links (a loop?).");
      }
      at = resolve(at, st.symlinkTarget().orElse(""));
      try {
        SandboxPaths.resolve(at);
      } catch (IllegalArgumentException e) {
        throw new ToolFailure(
            path
                + " is a symbolic link to "
                + at
                + ", outside "
                + SandboxPaths.HOME
                + " where the file tools cannot follow it. Use run_command instead (for example"
                + " cat or sed -n on the target).");
      }
      st = fs.stat(at);
    }
    return new FollowedStat(st, at, links);
  }

  /** Where a link at {@code link} pointing to {@code target} leads: relative to its folder. */
  static String resolve(String link, String target) {
    if (target.startsWith("/")) {
      return target;
    }
    int slash = link.lastIndexOf('/');
    String dir = slash <= 0 ? "/" : link.substring(0, slash);
    return dir.endsWith("/") ? dir + target : dir + "/" + target;
  }

  /** "File not found" in words that say which link dangles, when one does. */
  String notFound(String path) {
    if (links == 0) {
      return "File not found: " + path;
    }
    return path + " is a symbolic link to " + target + ", which does not exist";
  }
}
