package cloud.tenki.sandbox.agent.suite;

import static cloud.tenki.sandbox.agent.suite.ToolkitContext.sh;
import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.agent.ToolContent;
import cloud.tenki.sandbox.agent.ToolResult;
import java.util.Base64;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;

/** run_command and run_code: results, arguments, interpreters, images. */
public interface CommandBehaviour extends ToolkitContext {

  @Test
  default void runCommandReportsExitCodeAndSeparateStreams() {
    ToolkitHarness h = harness();
    ToolResult r = h.ok(key(), "run_command", sh("echo out; echo err >&2; exit 3"));
    assertThat(r.structured())
        .containsEntry("exit_code", 3)
        .containsEntry("stdout", "out\n")
        .containsEntry("stderr", "err\n")
        .containsEntry("stdout_truncated", false)
        .containsEntry("timed_out", false)
        .doesNotContainKeys("stdout_file", "signal", "note");
    assertThat(r.text())
        .startsWith("Exit code 3 after ")
        .contains("--- stdout ---\nout\n", "--- stderr ---\nerr\n");
  }

  @Test
  default void argvRunsWithoutAShell() {
    ToolkitHarness h = harness();
    ToolResult r =
        h.ok(key(), "run_command", Map.of("argv", List.of("printf", "%s|", "a b", "$HOME;x")));
    assertThat(r.structured())
        .containsEntry("stdout", "a b|$HOME;x|")
        .containsEntry("exit_code", 0);
  }

  @Test
  default void commandRunsInBashWithCwdEnvAndStdin() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(key, "write_file", Map.of("path", "work/sub/.keep", "content", ""));
    ToolResult r =
        h.ok(
            key,
            "run_command",
            Map.of(
                "command", "pwd; echo \"$GREETING\" ${BASH_VERSION:+bash}; cat | tr a-z A-Z",
                "cwd", "work/sub",
                "env", Map.of("GREETING", "hi there"),
                "stdin", "from stdin\n"));
    assertThat(r.structured().get("stdout"))
        .isEqualTo("/home/tenki/work/sub\nhi there bash\nFROM STDIN\n");
  }

  @Test
  default void aCommandLongerThanTheKernelTakesInOneArgumentStillRuns() {
    ToolkitHarness h = harness();
    String key = key();
    // a big heredoc, as models write files: more than the 128 KiB Linux allows in one argument
    String line = "0123456789abcdefghijklmnopqrstuvwxyz\n";
    String body = line.repeat(6000);
    String command = "cat > big.txt <<'EOF'\n" + body + "EOF\nwc -c < big.txt; echo \"$1|$#\"";
    ToolResult r = h.ok(key, "run_command", Map.of("command", command));
    assertThat(r.structured())
        .containsEntry("exit_code", 0)
        .containsEntry("stdout", body.length() + "\n|0\n");
  }

  @Test
  default void withoutStdinACommandReadsEndOfFile() {
    ToolkitHarness h = harness();
    ToolResult r =
        h.ok(key(), "run_command", Map.of("command", "cat; echo done", "timeout_seconds", 20));
    assertThat(r.structured()).containsEntry("stdout", "done\n").containsEntry("timed_out", false);
  }

  @Test
  default void invalidArgumentsAreErrorsNamingTheFieldAndStartNoSandbox() {
    ToolkitHarness h = harness();
    String key = key();
    Map<String, Object> both = new HashMap<>(sh("ls"));
    both.put("argv", List.of("ls"));
    assertThat(h.error(key, "run_command", both).text())
        .contains("`command`", "`argv`", "not both");
    assertThat(h.error(key, "run_command", Map.of()).text()).contains("`command`", "`argv`");
    assertThat(h.error(key, "run_command", Map.of("command", "ls", "timeout_seconds", 0)).text())
        .contains("`timeout_seconds`", "between 1 and 1800", "got 0");
    assertThat(
            h.error(key, "run_command", Map.of("command", "ls", "timeout_seconds", 99999)).text())
        .contains("`timeout_seconds`", "99999");
    assertThat(h.error(key, "run_command", Map.of("command", "ls", "timeout_seconds", "5")).text())
        .contains("`timeout_seconds` must be an integer, got a string");
    assertThat(h.error(key, "run_command", Map.of("command", "ls", "shell", true)).text())
        .contains("unknown argument `shell`");
    assertThat(h.error(key, "run_command", Map.of("command", "ls", "cwd", "../..")).text())
        .contains("`cwd`");
    assertThat(
            h.error(key, "run_command", Map.of("command", "ls", "env", Map.of("A=B", "x"))).text())
        .contains("`env`");
    assertThat(h.error(key, "run_command", Map.of("command", 42)).text())
        .contains("`command` must be a string, got the number 42");
    assertThat(h.error(key, "run_code", Map.of("code", "print(1)")).text())
        .contains("`language` is required");
    assertThat(h.error(key, "run_code", Map.of("language", "py thon; rm", "code", "x")).text())
        .contains("`language`");
    assertThat(h.error(key, "run_command", Map.of("command", "ls", "cwd", "nope/missing")).text())
        .contains("working directory /home/tenki/nope/missing does not exist");
    Map<String, Object> nullOptional = new HashMap<>(sh("echo ok"));
    nullOptional.put("cwd", null);
    assertThat(h.ok(key, "run_command", nullOptional).structured()).containsEntry("stdout", "ok\n");
  }

  @Test
  default void argumentErrorsStartNoSandbox() {
    ToolkitHarness h = harness();
    h.error(key(), "run_command", Map.of("argv", List.of()));
    h.error(key(), "read_file", Map.of("path", "/etc/passwd"));
    assertThat(h.allSandboxes()).isEmpty();
  }

  @Test
  default void runCodePythonHasTracebacksWithLineNumbers() {
    ToolkitHarness h = harness();
    ToolResult r =
        h.ok(
            key(),
            "run_code",
            Map.of("language", "python", "code", "print('hi')\n\nraise ValueError('boom')\n"));
    assertThat(r.structured()).containsEntry("exit_code", 1).containsEntry("stdout", "hi\n");
    assertThat((String) r.structured().get("stderr"))
        .contains("/home/tenki/.tenki/code/", ".py\", line 3", "ValueError: boom");
  }

  @Test
  default void runCodeRunsJavascriptBashShAndNamedInterpreters() {
    ToolkitHarness h = harness();
    String key = key();
    assertThat(
            h.ok(key, "run_code", Map.of("language", "javascript", "code", "console.log(6*7)"))
                .structured())
        .containsEntry("stdout", "42\n");
    assertThat(
            h.ok(key, "run_code", Map.of("language", "node", "code", "console.error('e')"))
                .structured())
        .containsEntry("stderr", "e\n");
    assertThat(
            h.ok(key, "run_code", Map.of("language", "bash", "code", "echo ${BASH_VERSION:+bash}"))
                .structured())
        .containsEntry("stdout", "bash\n");
    assertThat(
            h.ok(key, "run_code", Map.of("language", "sh", "code", "echo $0"))
                .structured()
                .get("stdout"))
        .asString()
        .endsWith(".sh\n");
    assertThat(
            h.ok(
                    key,
                    "run_code",
                    Map.of("language", "python3", "code", "import sys; print(sys.version_info[0])"))
                .structured())
        .containsEntry("stdout", "3\n");
    ToolResult missing =
        h.ok(key, "run_code", Map.of("language", "cobol", "code", "DISPLAY 'HI'."));
    assertThat(missing.structured()).containsEntry("exit_code", 127);
    assertThat((String) missing.structured().get("stderr"))
        .contains("'cobol' is not installed", "apt-get needs it");
    // Go and Rust, where missing, come with a way to install them that needs no root
    Map<String, String[]> toolchains =
        Map.of(
            "go",
            new String[] {
              "package main\nimport \"fmt\"\nfunc main() { fmt.Println(\"hi\") }\n",
              "https://go.dev/dl/"
            },
            "rust",
            new String[] {"fn main() { println!(\"hi\"); }\n", "https://sh.rustup.rs"});
    toolchains.forEach(
        (language, codeAndInstaller) -> {
          Map<String, Object> r =
              h.ok(key, "run_code", Map.of("language", language, "code", codeAndInstaller[0]))
                  .structured();
          if (Integer.valueOf(0).equals(r.get("exit_code"))) {
            assertThat(r).containsEntry("stdout", "hi\n");
          } else {
            assertThat(r).as(language).containsEntry("exit_code", 127);
            assertThat((String) r.get("stderr"))
                .as(language)
                .contains("is not installed", "without root", codeAndInstaller[1])
                .doesNotContain("apt-get");
          }
        });
    // TypeScript runs with tsx; where it is missing, the message says which runner to install
    ToolResult ts =
        h.ok(
            key,
            "run_code",
            Map.of("language", "typescript", "code", "const n: number = 6 * 7;\nconsole.log(n)"));
    if ((Integer) ts.structured().get("exit_code") == 0) {
      assertThat(ts.structured()).containsEntry("stdout", "42\n");
    } else {
      assertThat(ts.structured()).containsEntry("exit_code", 127);
      assertThat((String) ts.structured().get("stderr"))
          .contains("TypeScript runs with tsx", "npm install -g tsx");
    }
  }

  /** Runs {@code code} as {@code language}; skips when the sandbox lacks its compiler. */
  private static Map<String, Object> compiled(
      ToolkitHarness h, String key, String language, String code) {
    Map<String, Object> r =
        h.ok(key, "run_code", Map.of("language", language, "code", code)).structured();
    Assumptions.assumeFalse(
        Integer.valueOf(127).equals(r.get("exit_code"))
            && ((String) r.get("stderr")).contains("is not installed"),
        () -> language + " is not installed here: " + r.get("stderr"));
    return r;
  }

  @Test
  default void runCodeCompilesAndRunsCAndCpp() {
    ToolkitHarness h = harness();
    String key = key();
    String c =
        "#include <stdio.h>\n#include <math.h>\nint main(void) {\n"
            + "  printf(\"%.0f\\n\", sqrt(1764.0));\n  return 3;\n}\n";
    assertThat(compiled(h, key, "c", c))
        .containsEntry("stdout", "42\n")
        .containsEntry("exit_code", 3);
    // code too long to travel with the launch is written first, then built the same way
    String longC = "/*" + "x".repeat(200_000) + "*/\n" + c;
    assertThat(compiled(h, key, "c", longC)).containsEntry("stdout", "42\n");
    Map<String, Object> broken = compiled(h, key, "c", "int main(void) { return nope; }\n");
    assertThat((Integer) broken.get("exit_code")).isNotZero();
    assertThat((String) broken.get("stderr")).contains("nope");
    assertThat(broken).containsEntry("stdout", "");
    String cpp =
        "#include <iostream>\n#include <vector>\nint main() {\n"
            + "  std::vector<int> v{1, 2, 3};\n  std::cout << v.size() * 14 << std::endl;\n}\n";
    assertThat(compiled(h, key, "cpp", cpp)).containsEntry("stdout", "42\n");
  }

  @Test
  default void runCodeRunsAJavaSourceFile() {
    ToolkitHarness h = harness();
    String java =
        "public class Main {\n  public static void main(String[] args) {\n"
            + "    System.out.println(6 * 7);\n  }\n}\n";
    Map<String, Object> r = compiled(h, key(), "java", java);
    assertThat(r).containsEntry("stdout", "42\n").containsEntry("exit_code", 0);
  }

  @Test
  default void runCodeWritesTheCodeExactlyAndKeepsItOutOfTheEnvironment() {
    ToolkitHarness h = harness();
    String key = key();
    // the script prints itself: quotes, expansions, backslashes, non-ASCII and trailing newlines
    // must all reach the file unchanged
    String code = "cat \"$0\"\n# $(id) `id` \\n 'q' \"dq\" ünïcødé ✓ %s %%\n\n\n";
    assertThat(h.ok(key, "run_code", Map.of("language", "sh", "code", code)).structured())
        .containsEntry("exit_code", 0)
        .containsEntry("stdout", code);
    ToolResult env =
        h.ok(
            key,
            "run_code",
            Map.of(
                "language",
                "python",
                "code",
                "import os\nprint(sorted(k for k in os.environ if 'SOURCE' in k or k.startswith('_tenki')))"));
    assertThat(env.structured()).containsEntry("stdout", "[]\n");
    // code too long for one launch takes the file API and runs the same
    String big = "x = 1\n" + "#".repeat(200_000) + "\nprint(x + 1)\n";
    assertThat(h.ok(key, "run_code", Map.of("language", "python", "code", big)).structured())
        .containsEntry("exit_code", 0)
        .containsEntry("stdout", "2\n");
  }

  @Test
  default void runCodeReturnsImagesWrittenToTheOutputFolder() {
    ToolkitHarness h = harness();
    String key = key();
    String code =
        "import base64, os\n"
            + "d = os.environ['TENKI_OUTPUT_DIR']\n"
            + "open(d + '/dot.png', 'wb').write(base64.b64decode('"
            + TINY_PNG
            + "'))\n"
            + "open(d + '/shape.svg', 'w').write('<svg xmlns=\"http://www.w3.org/2000/svg\"/>')\n"
            + "open(d + '/data.txt', 'w').write('not an image')\n"
            + "open(d + '/fake.png', 'w').write('not a png')\n"
            + "print(d)\n";
    ToolResult r = h.ok(key, "run_code", Map.of("language", "python", "code", code));
    assertThat(r.structured()).containsEntry("stdout", "/home/tenki/output\n");
    List<ToolContent.Image> images = r.images();
    assertThat(images)
        .extracting(ToolContent.Image::path)
        .containsExactly("/home/tenki/output/dot.png", "/home/tenki/output/shape.svg");
    assertThat(images.get(0).mimeType()).isEqualTo("image/png");
    assertThat(images.get(0).data()).isEqualTo(Base64.getDecoder().decode(TINY_PNG));
    assertThat(images.get(1).mimeType()).isEqualTo("image/svg+xml");
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> listed = (List<Map<String, Object>>) r.structured().get("images");
    assertThat(listed).hasSize(2);
    assertThat(listed.get(0))
        .containsEntry("path", "/home/tenki/output/dot.png")
        .containsEntry("mime_type", "image/png");
    assertThat(r.text()).contains("/home/tenki/output/dot.png (image/png", "fake.png (not shown");
    // unchanged images are not returned again
    ToolResult again = h.ok(key, "run_code", Map.of("language", "python", "code", "print(1)"));
    assertThat(again.images()).isEmpty();
    assertThat(again.structured()).doesNotContainKey("images");
  }

  /** A 1x1 PNG. */
  String TINY_PNG =
      "iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==";

  @Test
  default void gitCommitWithoutAMessageEndsAtOnceInsteadOfWaitingForAnEditor() {
    ToolkitHarness h = harness();
    ToolResult r =
        h.ok(
            key(),
            "run_command",
            Map.of(
                "command",
                "git init -q r && cd r && echo a > a && git add a && git commit",
                "timeout_seconds",
                60));
    assertThat(r.structured()).containsEntry("timed_out", false).containsEntry("exit_code", 1);
    assertThat((String) r.structured().get("stderr")).contains("empty commit message");
  }

  @Test
  default void anEditorThatTimesOutGetsANoteAboutTheTerminal() {
    ToolkitHarness h = harness();
    ToolResult r =
        h.ok(key(), "run_command", Map.of("command", "vi notes.txt", "timeout_seconds", 2));
    assertThat(r.structured()).containsEntry("timed_out", true);
    assertThat(r.text()).contains("vi is interactive", "write_file or edit_file");
  }
}
