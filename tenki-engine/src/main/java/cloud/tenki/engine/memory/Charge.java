package cloud.tenki.engine.memory;

/**
 * Bytes granted to an {@link Account}. They return to the budget when the account closes, or
 * earlier through {@link #release()} once the buffers they stand for are gone. Thread-safe.
 */
public final class Charge {

  private final Account account;
  private final long bytes;
  // guarded by the budget's lock
  boolean released;

  Charge(Account account, long bytes) {
    this.account = account;
    this.bytes = bytes;
  }

  /** The bytes charged. */
  public long bytes() {
    return bytes;
  }

  /** Returns the bytes now; idempotent, and a no-op once the account is closed. */
  public void release() {
    account.release(this);
  }
}
