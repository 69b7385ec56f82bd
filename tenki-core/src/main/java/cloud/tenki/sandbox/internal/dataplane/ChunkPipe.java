package cloud.tenki.sandbox.internal.dataplane;

import cloud.tenki.sandbox.TenkiException;
import java.io.IOException;
import java.io.InputStream;
import java.io.InterruptedIOException;
import java.nio.ByteBuffer;
import java.util.ArrayDeque;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

/**
 * A bounded queue of byte chunks read as an {@link InputStream}. The producer either checks {@link
 * #hasRoom()} before asking its source for more ({@link #offer}) or blocks ({@link #put}); the
 * reader's progress is reported to {@code onDrain} so a paused producer can resume.
 */
public final class ChunkPipe {
  private final long capacity;
  private final Runnable onDrain;
  private final ReentrantLock lock = new ReentrantLock();
  private final Condition changed = lock.newCondition();
  private final ArrayDeque<ByteBuffer> chunks = new ArrayDeque<>();
  private final AtomicLong buffered = new AtomicLong();
  private ByteBuffer head;
  private boolean done;
  private boolean readerClosed;
  private TenkiException error;
  private final InputStream stream = new Stream();

  public ChunkPipe(long capacity, Runnable onDrain) {
    this.capacity = capacity;
    this.onDrain = onDrain;
  }

  /** Whether the buffered bytes are below capacity. */
  public boolean hasRoom() {
    return buffered.get() < capacity;
  }

  /**
   * Adds a chunk without waiting; the caller is responsible for honouring {@link #hasRoom()}. The
   * buffer is kept, not copied: it must not change afterwards.
   */
  public void offer(ByteBuffer chunk) {
    lock.lock();
    try {
      if (!readerClosed && chunk.hasRemaining()) {
        buffered.addAndGet(chunk.remaining());
        chunks.addLast(chunk);
        changed.signalAll();
      }
    } finally {
      lock.unlock();
    }
  }

  /** Adds a chunk, waiting while the pipe is full. */
  public void put(ByteBuffer chunk) throws InterruptedException {
    lock.lock();
    try {
      while (!hasRoom() && !readerClosed && !done) {
        changed.await();
      }
    } finally {
      lock.unlock();
    }
    offer(chunk);
  }

  /** Marks the end of the data; readers see end of stream after the buffered chunks. */
  public void finish() {
    lock.lock();
    try {
      done = true;
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  /** Ends the data with an error that readers get once the buffered chunks are read. */
  public void fail(TenkiException e) {
    lock.lock();
    try {
      if (!done) {
        error = e;
        done = true;
      }
      changed.signalAll();
    } finally {
      lock.unlock();
    }
  }

  public InputStream stream() {
    return stream;
  }

  private int read(byte[] b, int off, int len) throws IOException {
    if (len == 0) {
      return 0;
    }
    boolean drained = false;
    int n;
    lock.lock();
    try {
      while (head == null) {
        if (readerClosed) {
          throw new IOException("stream closed");
        }
        ByteBuffer next = chunks.pollFirst();
        if (next != null) {
          head = next;
        } else if (done) {
          if (error != null) {
            throw new IOException(error.getMessage(), error);
          }
          return -1;
        } else {
          changed.await();
        }
      }
      n = Math.min(len, head.remaining());
      head.get(b, off, n);
      buffered.addAndGet(-n);
      if (!head.hasRemaining()) {
        head = null;
        drained = true;
        changed.signalAll();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new InterruptedIOException("interrupted while reading");
    } finally {
      lock.unlock();
    }
    if (drained) {
      onDrain.run();
    }
    return n;
  }

  private int available() {
    lock.lock();
    try {
      return head == null ? 0 : head.remaining();
    } finally {
      lock.unlock();
    }
  }

  private void closeReader() {
    lock.lock();
    try {
      readerClosed = true;
      chunks.clear();
      head = null;
      buffered.set(0);
      changed.signalAll();
    } finally {
      lock.unlock();
    }
    onDrain.run();
  }

  private final class Stream extends InputStream {
    @Override
    public int read() throws IOException {
      byte[] one = new byte[1];
      int n = ChunkPipe.this.read(one, 0, 1);
      return n < 0 ? -1 : one[0] & 0xff;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      java.util.Objects.checkFromIndexSize(off, len, b.length);
      return ChunkPipe.this.read(b, off, len);
    }

    @Override
    public int available() {
      return ChunkPipe.this.available();
    }

    /** Discards what is buffered and everything that still arrives. */
    @Override
    public void close() {
      closeReader();
    }
  }
}
