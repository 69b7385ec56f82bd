package cloud.tenki.mcp.testing;

import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.protocol.McpServer;
import cloud.tenki.mcp.stdio.StdioTransport;
import cloud.tenki.mcp.tool.McpToolSource;
import com.fasterxml.jackson.databind.JsonNode;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.Pipe;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.function.Consumer;

/**
 * A stdio server in this JVM, wired to the test through real OS pipes: the test writes lines to the
 * server's input and reads the lines the server writes. Closing stops everything.
 */
public final class StdioHarness implements AutoCloseable {

  public final TestTools tools = new TestTools();
  public final McpServer server;
  public final McpLineClient client;
  private final OutputStream toServer;
  private final Thread serverThread;
  private volatile Integer exitCode;

  public StdioHarness() throws IOException {
    this(builder -> {}, 1 << 20, Duration.ofSeconds(10));
  }

  public StdioHarness(
      Consumer<McpServer.Builder> settings, int maxMessageBytes, Duration drainTimeout)
      throws IOException {
    this(null, settings, maxMessageBytes, drainTimeout);
  }

  /** A harness serving {@code source} (the test tools when null). */
  public StdioHarness(
      McpToolSource source,
      Consumer<McpServer.Builder> settings,
      int maxMessageBytes,
      Duration drainTimeout)
      throws IOException {
    McpServer.Builder builder =
        McpServer.builder(source == null ? tools : source).instructions("Use the test tools.");
    settings.accept(builder);
    server = builder.build();
    Pipe input = Pipe.open();
    Pipe output = Pipe.open();
    toServer = Channels.newOutputStream(input.sink());
    InputStream serverIn = Channels.newInputStream(input.source());
    OutputStream serverOut = Channels.newOutputStream(output.sink());
    StdioTransport transport =
        new StdioTransport(server, serverIn, serverOut, maxMessageBytes, drainTimeout);
    serverThread =
        new Thread(
            () -> {
              exitCode = transport.run();
              try {
                serverOut.close();
              } catch (IOException ignored) {
                // the test side may be gone already
              }
            },
            "stdio-server");
    serverThread.setDaemon(true);
    serverThread.start();
    BufferedReader fromServer =
        new BufferedReader(
            new InputStreamReader(
                Channels.newInputStream(output.source()), StandardCharsets.UTF_8));
    client = new McpLineClient(this::sendLine, fromServer);
  }

  private void sendLine(byte[] line) throws IOException {
    synchronized (toServer) {
      toServer.write(line);
      toServer.flush();
    }
  }

  /** Closes the server's input, as a client does when it is done. */
  public void closeInput() throws IOException {
    toServer.close();
  }

  /** Waits for the server loop to return; its exit code, or {@code null} on timeout. */
  public Integer awaitExit(Duration timeout) throws InterruptedException {
    serverThread.join(timeout.toMillis());
    return exitCode;
  }

  @Override
  public void close() throws Exception {
    try {
      toServer.close();
    } catch (IOException ignored) {
      // already closed by the test
    }
    serverThread.join(20_000);
    server.close();
    client.close();
  }

  /** Parses a JSON text (test convenience). */
  public static JsonNode json(String text) {
    try {
      return JsonRpc.MAPPER.readTree(text);
    } catch (IOException e) {
      throw new IllegalArgumentException(e);
    }
  }
}
