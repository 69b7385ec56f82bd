package cloud.tenki.sandbox.agent;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharsetDecoder;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One output stream of a command as the toolkit sees it: kept within its budget (head and tail),
 * spilled in full to a file in the sandbox once it outgrows the budget, and passed on as decoded
 * text to a listener. Memory is fixed by the budget whatever the output size.
 *
 * <p>Chunks arrive one at a time (the SDK delivers a process's output serially); {@link #finish()}
 * and {@link #render()} normally come after the last chunk, but may race with a late one when a
 * command is abandoned, hence the lock.
 */
final class StreamCapture {
  private static final Logger log = LoggerFactory.getLogger(StreamCapture.class);

  private final String name;
  private final HeadTailBuffer buffer;
  private final int maxChars;
  private final Supplier<Spill> spillFactory;
  private final OutputListener listener;
  private final CharsetDecoder decoder;
  private final CharBuffer decoded;
  private Spill spill;
  private boolean listenerFailed;
  private byte[] pending = new byte[0];

  /**
   * @param name "stdout" or "stderr"
   * @param spillFactory makes the spill file when the output first outgrows the budget, or null for
   *     none
   * @param listener receives decoded text, or null
   */
  StreamCapture(
      String name, OutputBudget budget, Supplier<Spill> spillFactory, OutputListener listener) {
    this.name = name;
    this.buffer = new HeadTailBuffer(budget);
    this.maxChars = budget.maxChars();
    this.spillFactory = spillFactory;
    this.listener = listener;
    this.decoder =
        listener == null
            ? null
            : StandardCharsets.UTF_8
                .newDecoder()
                .onMalformedInput(CodingErrorAction.REPLACE)
                .onUnmappableCharacter(CodingErrorAction.REPLACE);
    this.decoded = listener == null ? null : CharBuffer.allocate(8192);
  }

  synchronized void accept(byte[] chunk) {
    if (spill == null && spillFactory != null && outgrows(chunk) && buffer.holdsEverything()) {
      spill = spillFactory.get();
      buffer.writeHeadTo(spill::write);
    }
    if (spill != null) {
      spill.write(chunk, 0, chunk.length);
    }
    buffer.write(chunk);
    if (listener != null) {
      notifyListener(ByteBuffer.wrap(chunk), false);
    }
  }

  /**
   * Whether the output outgrows the budget with {@code chunk}. Valid UTF-8 takes at most 3 bytes
   * per char, so more than {@code 3 * maxChars} bytes never fit either; that bound also catches
   * malformed bytes, which count as no char here but render as one each. Until then the buffer
   * holds every byte, so the spill file can start from the first.
   */
  private boolean outgrows(byte[] chunk) {
    long bytes = buffer.totalBytes() + chunk.length;
    if (bytes > 3L * maxChars) {
      return true;
    }
    return bytes > maxChars && buffer.totalChars() + charCount(chunk) > maxChars;
  }

  /** Flushes the decoder and completes the spill file. */
  synchronized void finish() {
    if (listener != null) {
      notifyListener(ByteBuffer.allocate(0), true);
    }
    if (spill != null) {
      spill.finish();
    }
  }

  synchronized HeadTailBuffer.Rendered render() {
    return buffer.render(name, spill == null ? null : hint(spill));
  }

  private static HeadTailBuffer.Hint hint(Spill s) {
    String where = s.describe();
    return where == null ? null : (first, lines) -> where;
  }

  /** The spill file, if the output was spilled and the file is usable. */
  synchronized String spillPath() {
    return spill != null && spill.usable() ? spill.path() : null;
  }

  private void notifyListener(ByteBuffer chunk, boolean end) {
    ByteBuffer in = chunk;
    if (pending.length > 0) {
      in = ByteBuffer.allocate(pending.length + chunk.remaining()).put(pending).put(chunk).flip();
    }
    while (true) {
      var result = decoder.decode(in, decoded, end);
      if (end) {
        decoder.flush(decoded);
      }
      emit();
      if (!result.isOverflow()) {
        break;
      }
    }
    // a character cut by the chunk boundary waits for the rest of its bytes
    pending = new byte[in.remaining()];
    in.get(pending);
  }

  private void emit() {
    if (decoded.position() == 0) {
      return;
    }
    // as in results, without terminal sequences (one split across two chunks may leave a piece)
    String text = TerminalEscapes.strip(decoded.flip().toString());
    decoded.clear();
    if (listenerFailed || text.isEmpty()) {
      return;
    }
    try {
      listener.onOutput(name, text);
    } catch (RuntimeException e) {
      listenerFailed = true;
      log.warn("an output listener failed; it gets no more output for this call: {}", e.toString());
    }
  }

  static long charCount(byte[] chunk) {
    long chars = 0;
    for (byte b : chunk) {
      if ((b & 0xC0) != 0x80) {
        chars += (b & 0xF8) == 0xF0 ? 2 : 1;
      }
    }
    return chars;
  }
}
