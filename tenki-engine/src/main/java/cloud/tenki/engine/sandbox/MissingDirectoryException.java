package cloud.tenki.engine.sandbox;

import java.io.IOException;

/** A command could not start because its working directory is not a directory in the sandbox. */
public final class MissingDirectoryException extends IOException {
  private static final long serialVersionUID = 1L;

  private final String directory;

  MissingDirectoryException(String directory) {
    super("not a directory in the sandbox: " + directory);
    this.directory = directory;
  }

  /** The working directory as the sandbox sees it. */
  public String directory() {
    return directory;
  }
}
