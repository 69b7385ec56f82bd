package cloud.tenki.mcp.docs;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.mcp.config.Setting;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The README documents every option and environment variable the server reads, names no other, and
 * gives each setting's real default.
 */
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

  /** Options the command line has besides the settings, and variables the launcher reads. */
  private static final Set<String> OTHER_OPTIONS = Set.of("--arg", "--json", "--raw", "--help");

  private static final Set<String> LAUNCHER_VARIABLES = Set.of("TENKI_MCP_CDS");

  @Test
  void everyOptionAndVariableNamedExists() throws Exception {
    String readme = Files.readString(Path.of("README.md"));
    Set<String> options = new HashSet<>(OTHER_OPTIONS);
    Set<String> variables = new HashSet<>(LAUNCHER_VARIABLES);
    for (Setting setting : Setting.values()) {
      if (setting.option() != null) {
        options.add(setting.option());
      }
      variables.addAll(setting.environment());
    }
    Matcher option = Pattern.compile("`(--[a-z][a-z-]*)").matcher(readme);
    while (option.find()) {
      assertThat(options).as("option named in the README").contains(option.group(1));
    }
    Matcher variable = Pattern.compile("\\b(TENKI_[A-Z_]+)").matcher(readme);
    while (variable.find()) {
      assertThat(variables).as("variable named in the README").contains(variable.group(1));
    }
  }

  @Test
  void defaultsInTheTableAreTheRealOnes() throws Exception {
    List<String> lines = Files.readAllLines(Path.of("README.md"));
    int checked = 0;
    for (Setting setting : Setting.values()) {
      if (setting.option() == null) {
        continue;
      }
      String row =
          lines.stream()
              .filter(
                  l ->
                      l.startsWith("| `" + setting.option() + "`")
                          || l.startsWith("| `" + setting.option() + " "))
              .findFirst()
              .orElseThrow(() -> new AssertionError("no table row for " + setting.option()));
      String cell = row.split("\\|")[3].trim();
      if (cell.matches("`[^`]*`")) { // a literal value; prose defaults are checked by reading
        assertThat(cell.substring(1, cell.length() - 1))
            .as("default of %s", setting.option())
            .isEqualTo(setting.defaultValue());
        checked++;
      } else if (cell.isEmpty()) {
        assertThat(setting.defaultValue()).as("default of %s", setting.option()).isIn(null, "");
        checked++;
      }
    }
    assertThat(checked).isGreaterThan(20);
  }
}
