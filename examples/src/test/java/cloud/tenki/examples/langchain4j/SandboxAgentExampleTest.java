package cloud.tenki.examples.langchain4j;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.langchain4j.TenkiLangChain4j;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;

/** The example runs end to end with the replay model against the embedded local engine. */
class SandboxAgentExampleTest {

  @Test
  void analysesTheDataInOneSandboxAndKeepsTheOtherUserApart() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (TenkiLangChain4j tenki = TenkiLangChain4j.builder().localEngine().build();
        PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      SandboxAgentExample.run(new ReplayChatModel(), tenki, out);
    }
    String transcript = bytes.toString(StandardCharsets.UTF_8);

    assertThat(transcript)
        .contains("-> write_file")
        .contains("-> run_code")
        .contains("Mar: +48")
        .contains("-> list_files");
    String bobsPart = transcript.substring(transcript.indexOf("bob:"));
    assertThat(bobsPart).doesNotContain("sales.csv");
  }
}
