package cloud.tenki.mcp.stdio;

import cloud.tenki.mcp.protocol.JsonRpc;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the protocol stream: one JSON message per line, messages from concurrent
 * producers never interleave, and each producer's messages leave in the order it wrote them.
 *
 * <p>Two ways in. {@link #write} queues the message for the writer thread, so a tool thread that
 * may be interrupted at any time (a cancellation) never touches the stream itself. {@link
 * #writeNow} writes on the calling thread when the stream is idle and nothing is queued, which
 * saves a thread hand-off on the reply path (on a busy machine waking another thread costs more
 * than the write); it falls back to the queue otherwise. Only threads that nobody else interrupts
 * may call it: the reader thread and a tool call's thread once its call has ended.
 *
 * <p>The queue is bounded: producers wait while it is full, so a client that reads slower than the
 * server writes slows the server down. When the client stops reading (broken pipe), later messages
 * are dropped. Thread-safe.
 */
final class LineWriter {

  private static final Logger LOG = LoggerFactory.getLogger(LineWriter.class);
  private static final int CAPACITY = 1024;

  private final OutputStream out;
  private final Thread thread;
  // all guarded by "this"
  private final ArrayDeque<byte[]> pending = new ArrayDeque<>();
  private boolean writing; // a thread owns the stream
  private boolean closing;
  private volatile boolean broken;

  LineWriter(OutputStream out) {
    this.out = out;
    this.thread = new Thread(this::drain, "mcp-stdout");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a message; waits while the queue is full, even if the caller is interrupted. */
  void write(JsonNode message) {
    send(message, false);
  }

  /**
   * Writes the message on this thread when the stream is idle, else queues it like {@link #write}.
   * The caller must not be interrupted by another thread while this runs: an interrupt would close
   * an interruptible stream.
   */
  void writeNow(JsonNode message) {
    send(message, true);
  }

  private void send(JsonNode message, boolean mayWriteHere) {
    if (broken) {
      return;
    }
    byte[] line = line(message);
    boolean interrupted = Thread.interrupted();
    boolean here;
    synchronized (this) {
      while (pending.size() >= CAPACITY && !broken) {
        try {
          wait();
        } catch (InterruptedException e) {
          // a cancelled call's thread may still owe an answer to another request
          interrupted = true;
        }
      }
      here = mayWriteHere && !interrupted && !writing && !closing && pending.isEmpty();
      if (here) {
        writing = true;
      } else if (!broken) {
        pending.add(line);
        notifyAll();
      }
    }
    if (here) {
      try {
        writeOut(List.of(line));
      } finally {
        release();
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes what is queued, then stops the writer thread (waiting at most {@code timeout}). */
  void close(Duration timeout) {
    synchronized (this) {
      closing = true;
      notifyAll();
    }
    try {
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    while (true) {
      List<byte[]> batch;
      synchronized (this) {
        while (pending.isEmpty() || writing) {
          if (closing && pending.isEmpty() && !writing) {
            flushQuietly();
            return;
          }
          try {
            wait();
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return;
          }
        }
        writing = true;
        batch = new ArrayList<>(pending);
        pending.clear();
        notifyAll(); // room for waiting producers
      }
      try {
        writeOut(batch);
      } finally {
        release();
      }
    }
  }

  private synchronized void release() {
    writing = false;
    if (!pending.isEmpty() || closing) {
      notifyAll();
    }
  }

  /** Writes the lines and flushes once; called only by the thread that owns the stream. */
  private void writeOut(List<byte[]> lines) {
    if (broken) {
      return;
    }
    try {
      for (byte[] line : lines) {
        out.write(line);
      }
      out.flush();
    } catch (IOException e) {
      broken = true;
      synchronized (this) {
        pending.clear();
        notifyAll();
      }
      LOG.warn("the client stopped reading the server's output: {}", e.toString());
    }
  }

  private void flushQuietly() {
    if (!broken) {
      try {
        out.flush();
      } catch (IOException e) {
        broken = true;
      }
    }
  }

  /** The message as one line: its JSON (which escapes every newline in strings) and a newline. */
  private static byte[] line(JsonNode message) {
    byte[] json = JsonRpc.toBytes(message);
    byte[] line = Arrays.copyOf(json, json.length + 1);
    line[json.length] = '\n';
    return line;
  }
}
