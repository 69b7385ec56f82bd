package cloud.tenki.mcp.stdio;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.protocol.JsonRpc;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
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
}
