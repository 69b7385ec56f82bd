package cloud.tenki.mcp.stdio;

import cloud.tenki.mcp.protocol.JsonRpc;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The single writer of the protocol stream: one thread writes every message, one JSON message per
 * line, so messages from concurrent calls never interleave and an interrupted tool thread never
 * touches the stream. Producers block when the client reads slower than the server writes (the
 * queue is bounded). When the client stops reading (broken pipe), later messages are dropped.
 * Thread-safe.
 */
final class LineWriter {

  private static final Logger LOG = LoggerFactory.getLogger(LineWriter.class);
  private static final byte[] END = new byte[0];

  private final OutputStream out;
  private final BlockingQueue<byte[]> queue = new ArrayBlockingQueue<>(1024);
  private final Thread thread;
  private volatile boolean broken;

  LineWriter(OutputStream out) {
    this.out = out;
    this.thread = new Thread(this::drain, "mcp-stdout");
    thread.setDaemon(true);
    thread.start();
  }

  /** Queues a message; waits while the queue is full, even if the caller is interrupted. */
  void write(JsonNode message) {
    if (broken) {
      return;
    }
    byte[] bytes = JsonRpc.toBytes(message);
    boolean interrupted = false;
    while (true) {
      try {
        queue.put(bytes);
        break;
      } catch (InterruptedException e) {
        // a cancelled call's thread may still owe an answer to another request
        interrupted = true;
      }
    }
    if (interrupted) {
      Thread.currentThread().interrupt();
    }
  }

  /** Writes what is queued, then stops the writer thread (waiting at most {@code timeout}). */
  void close(Duration timeout) {
    try {
      queue.put(END);
      thread.join(timeout.toMillis());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void drain() {
    try {
      while (true) {
        byte[] bytes = queue.take();
        if (bytes == END) {
          flush(); // the last lines may still sit in the buffer: flushing is skipped while queued
          return;
        }
        if (!broken) {
          writeLine(bytes);
        }
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void flush() {
    if (!broken) {
      try {
        out.flush();
      } catch (IOException e) {
        broken = true;
      }
    }
  }

  private void writeLine(byte[] bytes) {
    try {
      out.write(bytes);
      out.write('\n');
      if (queue.isEmpty()) {
        out.flush();
      }
    } catch (IOException e) {
      broken = true;
      queue.clear();
      LOG.warn("the client stopped reading the server's output: {}", e.toString());
    }
  }
}
