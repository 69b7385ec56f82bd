package cloud.tenki.sandbox;

import java.time.Instant;
import java.util.Optional;

/**
 * What {@link SandboxFiles#stat(String)} reports about a path. A missing path is not an error: its
 * stat has {@code exists == false}.
 *
 * <pre>{@code
 * FileStat st = sandbox.fs().stat("data.csv");
 * if (st.exists() && !st.directory()) {
 *   System.out.println(st.size() + " bytes");
 * }
 * }</pre>
 *
 * @param path the absolute path in the sandbox
 * @param exists whether the path exists
 * @param size size in bytes
 * @param mode Unix permission and type bits
 * @param modifiedAt last modification time, if it exists
 * @param directory whether it is a directory
 * @param symlink whether it is a symbolic link
 * @param symlinkTarget the link target, if it is a link
 */
public record FileStat(
    String path,
    boolean exists,
    long size,
    int mode,
    Optional<Instant> modifiedAt,
    boolean directory,
    boolean symlink,
    Optional<String> symlinkTarget) {}
