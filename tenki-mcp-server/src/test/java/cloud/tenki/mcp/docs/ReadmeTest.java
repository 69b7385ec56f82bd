package cloud.tenki.mcp.docs;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;

/** The README documents every option and environment variable the server reads. */
class ReadmeTest {

  @Test
  void everySettingIsDocumented() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    for (Setting setting : Setting.values()) {
      if (setting.option() != null) {
        assertThat(readme).as("option of %s", setting).contains("`" + setting.option());
      }
      for (String variable : setting.environment()) {
        assertThat(readme).as("variable of %s", setting).contains(variable);
      }
    }
  }
}
