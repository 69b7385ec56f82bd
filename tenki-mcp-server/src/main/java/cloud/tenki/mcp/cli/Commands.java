package cloud.tenki.mcp.cli;

import cloud.tenki.mcp.config.McpServerConfig;
import cloud.tenki.mcp.http.HttpTransport;
import cloud.tenki.mcp.protocol.JsonRpc;
import cloud.tenki.mcp.protocol.McpServer;
import cloud.tenki.mcp.stdio.StdioTransport;
import cloud.tenki.mcp.tool.McpToolSource;
import cloud.tenki.mcp.tool.ToolDefinition;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;

/** What each command of {@link McpServerCli} does once the configuration is known. */
final class Commands {

  private final McpServerConfig config;
  private final McpServerCli.ToolSourceFactory factory;
  private final InputStream in;
  private final OutputStream out;
  private final PrintStream err;

  Commands(
      McpServerConfig config,
      McpServerCli.ToolSourceFactory factory,
      InputStream in,
      OutputStream out,
      PrintStream err) {
    this.config = config;
    this.factory = factory;
    this.in = in;
    this.out = out;
    this.err = err;
  }

  static String version() {
    String version = Commands.class.getPackage().getImplementationVersion();
    return version == null ? "dev" : version;
  }

  int serve() {
    McpServer server = startEngine();
    if (server == null) {
      return 1;
    }
    if (!config.isHttp()) {
      StdioTransport transport =
          new StdioTransport(server, in, out, config.maxMessageBytes(), config.shutdownGrace());
      Thread hook = new Thread(transport::stop, "mcp-shutdown");
      Runtime.getRuntime().addShutdownHook(hook);
      int exit = transport.run();
      removeHook(hook);
      return exit;
    }
    HttpTransport http;
    try {
      http = HttpTransport.start(server, config.http(), config.maxMessageBytes());
    } catch (IllegalStateException | IOException e) {
      server.close();
      err.println("error: " + e.getMessage());
      return McpServerCli.USAGE;
    }
    err.println("tenki-mcp-server: listening on " + http.endpoint());
    Thread hook = new Thread(http::close, "mcp-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    http.awaitStopped();
    removeHook(hook);
    return 0;
  }

  int listTools(boolean json) {
    McpServer server = startEngine(false);
    if (server == null) {
      return 1;
    }
    try (server;
        LocalClient client = new LocalClient(server)) {
      ObjectNode params = JsonRpc.MAPPER.createObjectNode();
      JsonNode response = client.request("tools/list", params, n -> {});
      if (json) {
        print(response.get("result").get("tools").toPrettyString());
        return 0;
      }
      for (ToolDefinition tool : server.toolSource().tools()) {
        print(tool.name() + (tool.title() == null ? "" : "  (" + tool.title() + ")"));
        print("    " + tool.description().strip().lines().findFirst().orElse(""));
      }
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  int callTool(String name, List<String> args, String json, boolean raw) {
    McpServer server = startEngine();
    if (server == null) {
      return 1;
    }
    try (server;
        LocalClient client = new LocalClient(server)) {
      ObjectNode arguments;
      try {
        arguments = CallArguments.parse(server.toolSource().tools(), name, json, args);
      } catch (IllegalArgumentException e) {
        err.println("error: " + e.getMessage());
        return McpServerCli.USAGE;
      }
      ObjectNode params = JsonRpc.MAPPER.createObjectNode();
      params.put("name", name);
      params.set("arguments", arguments);
      params.putObject("_meta").put("progressToken", "cli");
      JsonNode response = client.request("tools/call", params, this::showProgress);
      return printResult(response, raw);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 1;
    }
  }

  private int printResult(JsonNode response, boolean raw) {
    if (response.has("error")) {
      err.println("error: " + response.at("/error/message").asText());
      return 1;
    }
    JsonNode result = response.get("result");
    if (raw) {
      print(result.toPrettyString());
    } else {
      for (JsonNode item : result.path("content")) {
        if ("text".equals(item.path("type").asText())) {
          print(item.path("text").asText());
        } else {
          print(
              "["
                  + item.path("type").asText()
                  + " "
                  + item.path("mimeType").asText()
                  + ", "
                  + item.path("data").asText().length()
                  + " base64 characters]");
        }
      }
    }
    return result.path("isError").asBoolean() ? 1 : 0;
  }

  private void showProgress(JsonNode notification) {
    JsonNode message = notification.at("/params/message");
    if (!message.isMissingNode()) {
      err.println(message.asText());
    } else if ("notifications/message".equals(notification.path("method").asText())) {
      err.println(
          notification.at("/params/level").asText()
              + ": "
              + notification.at("/params/data").asText());
    }
  }

  /** The engine over a new tool source, or {@code null} (after saying why) when that fails. */
  private McpServer startEngine() {
    return startEngine(true);
  }

  /**
   * The server over the configured tool source; {@code prepare} false for one that only lists its
   * tools, which then starts no backend.
   */
  private McpServer startEngine(boolean prepare) {
    McpToolSource source;
    try {
      source = factory.create(config);
    } catch (RuntimeException e) {
      err.println("error: " + e.getMessage());
      return null;
    }
    if (config.tenki().usesLocalEngine()) {
      err.println(
          "tenki-mcp-server: no Tenki token set; sandboxes run on the embedded local engine");
    }
    String instructions =
        config.instructions() != null ? config.instructions() : source.instructions();
    return McpServer.builder(source)
        .serverInfo("tenki-mcp-server", version())
        .instructions(instructions)
        .defaultLogLevel(config.clientLogLevel())
        .concurrency(config.maxConcurrentCalls(), config.maxQueuedCalls())
        .prepareSourceWhenListed(prepare)
        .build();
  }

  private void print(String line) {
    try {
      out.write((line + "\n").getBytes(StandardCharsets.UTF_8));
      out.flush();
    } catch (IOException e) {
      err.println("error: cannot write output: " + e.getMessage());
    }
  }

  private static void removeHook(Thread hook) {
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException alreadyShuttingDown) {
      // the hook runs (or ran) anyway; both paths stop the transport idempotently
    }
  }
}
