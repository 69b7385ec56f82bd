package cloud.tenki.mcp.stdio;

import cloud.tenki.mcp.protocol.Exchange;
import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.protocol.McpServer;
import cloud.tenki.mcp.protocol.McpSession;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * MCP over standard input and output: one conversation per process, one JSON-RPC message per line
 * in each direction.
 *
 * <p>{@link #run()} reads until the input ends. Every request read before the end is answered:
 * running calls get {@code drainTimeout} to finish and are then stopped and answered with an error.
 * After that the conversation ends and the server (with its tool source) is closed. {@link #stop()}
 * does the same at once, for a termination signal. Only this class writes to the given output; logs
 * belong on standard error.
 *
 * <pre>{@code
 * int exit = new StdioTransport(server, System.in, stdout, 4 << 20, Duration.ofSeconds(30)).run();
 * }</pre>
 */
public final class StdioTransport {

  private static final Logger LOG = LoggerFactory.getLogger(StdioTransport.class);

  private final McpServer server;
  private final InputStream in;
  private final LineWriter writer;
  private final int maxMessageBytes;
  private final Duration drainTimeout;
  private final McpSession session;
  private final AtomicBoolean stopped = new AtomicBoolean();

  /**
   * @param server the engine; closed when this transport stops
   * @param in the client's messages
   * @param out the protocol stream (only messages are ever written to it)
   * @param maxMessageBytes longest accepted line; longer lines are answered with an error
   * @param drainTimeout how long calls may run on after the input ended
   */
  public StdioTransport(
      McpServer server,
      InputStream in,
      OutputStream out,
      int maxMessageBytes,
      Duration drainTimeout) {
    this.server = server;
    this.in = in;
    this.writer = new LineWriter(out);
    this.maxMessageBytes = maxMessageBytes;
    this.drainTimeout = drainTimeout;
    this.session = server.openSession();
  }

  /** Serves until the input ends, then drains and closes; returns the process exit code. */
  public int run() {
    LineReader reader = new LineReader(in, maxMessageBytes);
    Exchange exchange = new StdioExchange();
    try {
      LineReader.Line line;
      while (!stopped.get() && (line = reader.next()) != null) {
        accept(line, exchange);
      }
    } catch (IOException e) {
      LOG.warn("reading the input failed: {}", e.toString());
    }
    drainAndStop();
    return 0;
  }

  private void accept(LineReader.Line line, Exchange exchange) {
    if (line.tooLong()) {
      writer.writeNow(
          JsonRpc.error(
              null,
              JsonRpc.INVALID_REQUEST,
              "Message of "
                  + line.skippedBytes()
                  + " bytes exceeds the limit of "
                  + maxMessageBytes));
      return;
    }
    if (isBlank(line)) {
      return;
    }
    JsonNode message;
    try {
      message = JsonRpc.parse(line.bytes(), 0, line.length());
    } catch (IOException e) {
      writer.writeNow(JsonRpc.error(null, JsonRpc.PARSE_ERROR, "Parse error: not valid JSON"));
      return;
    }
    session.handle(message, exchange);
  }

  private void drainAndStop() {
    try {
      if (!session.awaitIdle(drainTimeout)) {
        LOG.warn("tool calls still running {} after the input closed; stopping them", drainTimeout);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    stop();
  }

  /**
   * Stops now: running calls are stopped and answered with an error, the conversation ends and the
   * server closes. Idempotent; safe from a shutdown hook.
   */
  public void stop() {
    if (stopped.compareAndSet(false, true)) {
      session.abortAll("The server is shutting down");
      session.end();
      server.close();
      writer.close(Duration.ofSeconds(5));
    }
  }

  private static boolean isBlank(LineReader.Line line) {
    byte[] bytes = line.bytes();
    for (int i = 0; i < line.length(); i++) {
      if (bytes[i] != ' ' && bytes[i] != '\t') {
        return false;
      }
    }
    return true;
  }

  /**
   * Every message of this transport goes to the one writer. Notifications come from running tool
   * threads, which a cancellation may interrupt at any time, so they are queued; a response is
   * written by the thread that finished the request (the reader, or a call thread after its call
   * ended, when nothing interrupts it any more), sparing the reply a hand-off.
   */
  private final class StdioExchange implements Exchange {
    @Override
    public void notify(JsonNode notification) {
      writer.write(notification);
    }

    @Override
    public void finish(JsonNode response) {
      if (response != null) {
        writer.writeNow(response);
      }
    }
  }
}
