package cloud.tenki.sandbox.agent;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.math.BigInteger;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolArgsTest {
  private static final ToolCatalog CATALOG =
      ToolCatalog.create(Duration.ofMinutes(2), Duration.ofMinutes(30), Duration.ofHours(1));
  private static final ToolSpec RUN = CATALOG.tool(ToolNames.RUN_COMMAND);
  private static final ToolSpec READ = CATALOG.tool(ToolNames.READ_FILE);

  @Test
  void integersComeInEveryShapeAJsonParserProduces() {
    for (Object n : List.of(5, 5L, 5.0, new BigInteger("5"), new BigDecimal("5.00"))) {
      ToolArgs a = ToolArgs.parse(RUN, Map.of("command", "x", "timeout_seconds", n));
      assertThat(a.integer("timeout_seconds")).as(n.getClass().getName()).isEqualTo(5L);
    }
    assertThatThrownBy(() -> ToolArgs.parse(RUN, Map.of("command", "x", "timeout_seconds", 5.5)))
        .isInstanceOf(ToolFailure.class)
        .hasMessageContaining("`timeout_seconds` must be an integer, got the number 5.5");
    assertThatThrownBy(
            () ->
                ToolArgs.parse(
                    RUN, Map.of("command", "x", "timeout_seconds", new BigInteger("9".repeat(30)))))
        .hasMessageContaining("must be an integer");
  }

  @Test
  void nullOptionalsAreAbsentAndNullRequiredAreMissing() {
    Map<String, Object> args = new HashMap<>();
    args.put("path", "a.txt");
    args.put("start_line", null);
    assertThat(ToolArgs.parse(READ, args).has("start_line")).isFalse();
    args.put("path", null);
    assertThatThrownBy(() -> ToolArgs.parse(READ, args))
        .hasMessage(
            "Invalid arguments for read_file: `path` is required (File path, relative to"
                + " /home/tenki or absolute inside it.).");
    assertThat(ToolArgs.parse(CATALOG.tool(ToolNames.SANDBOX_STATUS), null).has("x")).isFalse();
  }

  @Test
  void typesEnumsAndNestedValuesAreChecked() {
    assertThatThrownBy(() -> ToolArgs.parse(READ, Map.of("path", "a", "encoding", "utf16")))
        .hasMessageContaining("`encoding` must be one of [auto, text, base64], got \"utf16\"");
    assertThatThrownBy(() -> ToolArgs.parse(RUN, Map.of("argv", List.of("ls", 3))))
        .hasMessageContaining("`argv[1]` must be a string");
    assertThatThrownBy(() -> ToolArgs.parse(RUN, Map.of("command", "x", "env", Map.of("A", 1))))
        .hasMessageContaining("`env.A` must be a string value");
    assertThatThrownBy(() -> ToolArgs.parse(RUN, Map.of("command", List.of("ls"))))
        .hasMessageContaining("`command` must be a string, got an array");
    assertThatThrownBy(() -> ToolArgs.parse(RUN, Map.of("command", "x", "background", "yes")))
        .hasMessageContaining("`background` must be true or false, got a string");
    assertThatThrownBy(() -> ToolArgs.parse(RUN, Map.of("command", "x", "timeout", 3)))
        .hasMessageContaining("unknown argument `timeout`")
        .hasMessageContaining("`timeout_seconds`");
  }
}
