package cloud.tenki.langchain4j;

import static cloud.tenki.langchain4j.ToolResultsTest.json;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.TenkiClient;
import cloud.tenki.sandbox.fake.FakeTenki;
import java.io.IOException;
import java.net.ServerSocket;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Starting a server and publishing its port, through a real AI service. The local engine serves no
 * preview URLs yet, so this runs against the SDK's fake Tenki services (real processes on this
 * machine, real gRPC), which do.
 */
class PreviewTest {
  private FakeTenki fake;
  private TenkiClient client;
  private TenkiLangChain4j tenki;

  @BeforeEach
  void start() {
    fake = FakeTenki.inProcess();
    client = TenkiClient.builder().endpoint(fake.endpoint()).token(fake.token).build();
    tenki = TenkiLangChain4j.builder().client(client).build();
  }

  @AfterEach
  void stop() {
    tenki.close();
    client.close();
    fake.close();
  }

  @ParameterizedTest
  @EnumSource(Faces.class)
  void startsAServerThenExposesItsPort(Faces face) throws IOException {
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort(); // sandboxes of the fake share this machine's network
    }
    String server =
        json(
            Map.of(
                "argv",
                List.of("python3", "-u", "-m", "http.server", Integer.toString(port)),
                "background",
                true));
    ScriptedChatModel model =
        new ScriptedChatModel()
            .call("run_command", server)
            .step(
                // like a model: wait for the server's first words unless the start showed them
                r ->
                    ScriptedChatModel.text(ScriptedChatModel.lastToolResult(r))
                            .contains("Serving HTTP")
                        ? ScriptedChatModel.callMessage("sandbox_status", "{}")
                        : ScriptedChatModel.callMessage(
                            "read_process_output", "{\"process_id\":\"p1\",\"wait_seconds\":30}"))
            .call("expose_port", "{\"port\":" + port + "}")
            .call("stop_process", "{\"process_id\":\"p1\"}")
            .answer("done");

    face.assistant(tenki, model).chat("mia", "serve the folder and give me a link");

    List<String> results = model.toolResultTexts();
    // the start reports what the server printed in its first moments; the read, anything newer
    assertThat(results.get(0) + results.get(1)).contains("Serving HTTP");
    assertThat(results.get(2))
        .contains("Port " + port + " is exposed at https://")
        .contains(".preview.fake.test");
    assertThat(model.toolResults().get(2).isError()).isFalse();
  }
}
