package cloud.tenki.engine;

/**
 * How the engine isolates sandboxes.
 *
 * <ul>
 *   <li>{@link #AUTO}: bubblewrap when installed, otherwise util-linux {@code unshare}.
 *   <li>{@link #BWRAP}: bubblewrap; the engine refuses to start without it.
 *   <li>{@link #UNSHARE}: util-linux only ({@code unshare}, {@code nsenter}, {@code setpriv}).
 *   <li>{@link #NONE}: no isolation at all; commands run on the host as the engine's user. Only on
 *       explicit request; every session then says so in its metadata and the engine warns on
 *       stderr.
 * </ul>
 */
public enum Isolation {
  AUTO,
  BWRAP,
  UNSHARE,
  NONE;

  /** Parses {@code auto}, {@code bwrap}, {@code unshare} or {@code none} (any case). */
  public static Isolation parse(String text) {
    try {
      return valueOf(text.trim().toUpperCase(java.util.Locale.ROOT));
    } catch (IllegalArgumentException e) {
      throw new IllegalArgumentException(
          "isolation must be one of auto, bwrap, unshare, none (got '" + text + "')", e);
    }
  }
}
