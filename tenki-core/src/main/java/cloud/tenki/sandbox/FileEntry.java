package cloud.tenki.sandbox;

import java.time.Instant;

/**
 * One entry of a directory listing from {@link SandboxFiles#list(String)}.
 *
 * <pre>{@code
 * for (FileEntry e : sandbox.fs().list(".")) {
 *   System.out.println((e.directory() ? "d " : "- ") + e.name());
 * }
 * }</pre>
 *
 * @param name the entry's name (no directory part)
 * @param directory whether it is a directory
 * @param size size in bytes
 * @param mode Unix permission and type bits
 * @param modifiedAt last modification time
 */
public record FileEntry(String name, boolean directory, long size, int mode, Instant modifiedAt) {}
