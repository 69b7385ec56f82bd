package cloud.tenki.mcp.stdio;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.protocol.JsonRpc;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;

class LineWriterTest {

  @Test
  void closingWritesAndFlushesEverythingQueued() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    // a buffer far larger than the output: only explicit flushes reach the sink
    LineWriter writer = new LineWriter(new BufferedOutputStream(sink, 1 << 20));
    for (int i = 0; i < 500; i++) {
      writer.write(
          JsonRpc.result(JsonRpc.MAPPER.valueToTree(i), JsonRpc.MAPPER.createObjectNode()));
    }
    writer.close(Duration.ofSeconds(10));
    String[] lines = sink.toString(StandardCharsets.UTF_8).split("\n");
    assertThat(lines).hasSize(500);
    assertThat(lines[499]).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":499,\"result\":{}}");
  }

  @Test
  void anInterruptedProducerStillGetsItsMessageOut() {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    LineWriter writer = new LineWriter(sink);
    Thread.currentThread().interrupt();
    writer.write(JsonRpc.result(JsonRpc.MAPPER.valueToTree(1), JsonRpc.MAPPER.createObjectNode()));
    assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    writer.close(Duration.ofSeconds(10));
    assertThat(sink.toString(StandardCharsets.UTF_8)).contains("\"id\":1");
  }

  @Test
  void aReplyIsWrittenOnTheCallersThreadWhenTheStreamIsIdle() {
    RecordingSink sink = new RecordingSink(null);
    LineWriter writer = new LineWriter(sink);
    writer.writeNow(message(1));
    assertThat(sink.threads()).containsExactly(Thread.currentThread().getName());
    writer.close(Duration.ofSeconds(10));
    assertThat(sink.text()).isEqualTo("{\"jsonrpc\":\"2.0\",\"id\":1,\"result\":{}}\n");
  }

  @Test
  void aReplyNeverOvertakesMessagesQueuedBeforeIt() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RecordingSink sink = new RecordingSink(release);
    LineWriter writer = new LineWriter(sink);
    writer.write(message(1)); // the writer thread takes it and blocks inside the sink
    assertThat(sink.entered.await(10, TimeUnit.SECONDS)).isTrue();
    writer.write(message(2));
    writer.writeNow(message(3)); // the stream is busy: queued behind 2, not written here
    release.countDown();
    writer.close(Duration.ofSeconds(10));
    assertThat(sink.text().split("\n"))
        .extracting(line -> JsonRpc.MAPPER.readTree(line).get("id").intValue())
        .containsExactly(1, 2, 3);
    assertThat(sink.threads()).containsOnly("mcp-stdout");
  }

  @Test
  void anInterruptedCallerLeavesTheStreamToTheWriterThread() {
    RecordingSink sink = new RecordingSink(null);
    LineWriter writer = new LineWriter(sink);
    Thread.currentThread().interrupt();
    writer.writeNow(message(7));
    assertThat(Thread.interrupted()).as("the interrupt is kept for the caller").isTrue();
    writer.close(Duration.ofSeconds(10));
    assertThat(sink.threads()).containsOnly("mcp-stdout");
    assertThat(sink.text()).contains("\"id\":7");
  }

  private static com.fasterxml.jackson.databind.JsonNode message(int id) {
    return JsonRpc.result(JsonRpc.MAPPER.valueToTree(id), JsonRpc.MAPPER.createObjectNode());
  }

  /** Records which threads write; optionally blocks the first write until released. */
  private static final class RecordingSink extends OutputStream {
    final CountDownLatch entered = new CountDownLatch(1);
    private final CountDownLatch release;
    private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    private final List<String> threads = new ArrayList<>();

    RecordingSink(CountDownLatch release) {
      this.release = release;
    }

    @Override
    public void write(int b) {
      write(new byte[] {(byte) b}, 0, 1);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      entered.countDown();
      if (release != null) {
        try {
          release.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
      }
      synchronized (this) {
        threads.add(Thread.currentThread().getName());
        bytes.write(b, off, len);
      }
    }

    synchronized List<String> threads() {
      return List.copyOf(threads);
    }

    synchronized String text() {
      return bytes.toString(StandardCharsets.UTF_8);
    }
  }
}
