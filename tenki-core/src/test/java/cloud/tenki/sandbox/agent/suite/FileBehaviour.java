package cloud.tenki.sandbox.agent.suite;

import static org.assertj.core.api.Assertions.assertThat;

import cloud.tenki.sandbox.agent.OutputBudget;
import cloud.tenki.sandbox.agent.ToolResult;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** read_file, write_file, edit_file and list_files. */
public interface FileBehaviour extends ToolkitContext {

  @Test
  default void writeCreatesParentsAndReadReturnsTheText() {
    ToolkitHarness h = harness();
    String key = key();
    ToolResult w =
        h.ok(key, "write_file", Map.of("path", "deep/er/notes.txt", "content", "grüße\nzwei\n"));
    assertThat(w.structured())
        .containsEntry("path", "/home/tenki/deep/er/notes.txt")
        .containsEntry("size_bytes", 13L)
        .containsEntry("appended", false);
    ToolResult r = h.ok(key, "read_file", Map.of("path", "/home/tenki/deep/er/notes.txt"));
    assertThat(r.structured())
        .containsEntry("encoding", "text")
        .containsEntry("content", "grüße\nzwei\n")
        .containsEntry("total_lines", 2L)
        .containsEntry("truncated", false);
    assertThat(r.text()).contains("grüße\nzwei");
  }

  @Test
  default void appendAddsToTheEnd() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(key, "write_file", Map.of("path", "log/a.txt", "content", "one\n", "append", true));
    ToolResult r =
        h.ok(key, "write_file", Map.of("path", "log/a.txt", "content", "two\n", "append", true));
    assertThat(r.structured()).containsEntry("size_bytes", 8L).containsEntry("appended", true);
    assertThat(h.ok(key, "read_file", Map.of("path", "log/a.txt")).structured())
        .containsEntry("content", "one\ntwo\n");
  }

  @Test
  default void binaryFilesRoundTripAsBase64() {
    ToolkitHarness h = harness();
    String key = key();
    byte[] bytes = new byte[300];
    for (int i = 0; i < bytes.length; i++) {
      bytes[i] = (byte) i;
    }
    String b64 = Base64.getEncoder().encodeToString(bytes);
    h.ok(key, "write_file", Map.of("path", "bin.dat", "content", b64, "encoding", "base64"));
    ToolResult r = h.ok(key, "read_file", Map.of("path", "bin.dat"));
    assertThat(r.structured()).containsEntry("encoding", "base64").containsEntry("content", b64);
    ToolResult range =
        h.ok(
            key,
            "read_file",
            Map.of("path", "bin.dat", "byte_offset", 10, "byte_length", 5, "encoding", "base64"));
    assertThat(range.structured())
        .containsEntry(
            "content", Base64.getEncoder().encodeToString(new byte[] {10, 11, 12, 13, 14}))
        .containsEntry("byte_offset", 10L)
        .containsEntry("bytes_read", 5L);
    assertThat(
            h.error(key, "write_file", Map.of("path", "x", "content", "%%%", "encoding", "base64"))
                .text())
        .contains("`content` is not valid base64");
  }

  @Test
  default void textInAnotherEncodingIsShownAsTextNotBase64() {
    ToolkitHarness h = harness();
    String key = key();
    // "café crème\nnaïve\n" in Latin-1
    byte[] latin1 = "café crème\nnaïve\n".getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
    h.ok(
        key,
        "write_file",
        Map.of(
            "path",
            "old.txt",
            "content",
            Base64.getEncoder().encodeToString(latin1),
            "encoding",
            "base64"));
    ToolResult r = h.ok(key, "read_file", Map.of("path", "old.txt"));
    assertThat(r.structured())
        .containsEntry("encoding", "text")
        .containsEntry("utf8", false)
        .containsEntry("content", "caf\uFFFD cr\uFFFDme\nna\uFFFDve\n");
    assertThat(r.text()).contains("This is not UTF-8", "encoding base64 gives the exact bytes");
    // bytes that are not UTF-8, among control bytes but without a NUL, are still binary
    byte[] controls = new byte[200];
    for (int i = 0; i < controls.length; i++) {
      controls[i] = (byte) (i % 2 == 0 ? 1 + i % 7 : 0x80 + i % 64);
    }
    String b64 = Base64.getEncoder().encodeToString(controls);
    h.ok(key, "write_file", Map.of("path", "ctl.bin", "content", b64, "encoding", "base64"));
    assertThat(h.ok(key, "read_file", Map.of("path", "ctl.bin")).structured())
        .containsEntry("encoding", "base64");
  }

  @Test
  default void lineAndByteRangesPageThroughText() {
    ToolkitHarness h = harness();
    String key = key();
    StringBuilder text = new StringBuilder();
    for (int i = 1; i <= 100; i++) {
      text.append("line ").append(i).append('\n');
    }
    h.ok(key, "write_file", Map.of("path", "lines.txt", "content", text.toString()));
    ToolResult r =
        h.ok(key, "read_file", Map.of("path", "lines.txt", "start_line", 10, "end_line", 12));
    assertThat(r.structured())
        .containsEntry("content", "line 10\nline 11\nline 12\n")
        .containsEntry("start_line", 10L)
        .containsEntry("end_line", 12L)
        .containsEntry("total_lines", 100L);
    assertThat(r.text()).contains("lines 10-12 of 100");
    assertThat(h.ok(key, "read_file", Map.of("path", "lines.txt", "start_line", 99)).structured())
        .containsEntry("content", "line 99\nline 100\n");
    assertThat(h.error(key, "read_file", Map.of("path", "lines.txt", "start_line", 200)).text())
        .contains("only 100 lines");
    assertThat(
            h.ok(key, "read_file", Map.of("path", "lines.txt", "byte_offset", 7, "byte_length", 6))
                .structured())
        .containsEntry("content", "line 2");
    assertThat(
            h.error(
                    key,
                    "read_file",
                    Map.of("path", "lines.txt", "start_line", 5, "byte_offset", 1))
                .text())
        .contains("not both");
  }

  @Test
  default void longFilesAreCutWithAHintToReadTheRest() {
    ToolkitHarness h = harness(b -> b.stdoutBudget(OutputBudget.ofChars(1_000)));
    String key = key();
    h.ok(key, "run_command", Map.of("command", "seq 1 10000 > numbers.txt"));
    ToolResult r = h.ok(key, "read_file", Map.of("path", "numbers.txt"));
    String content = (String) r.structured().get("content");
    assertThat(content.length()).isLessThanOrEqualTo(1_000);
    assertThat(content)
        .startsWith("1\n2\n")
        .endsWith("9999\n10000\n")
        .contains("read them with read_file start_line=");
    assertThat(r.structured())
        .containsEntry("truncated", true)
        .containsEntry("total_lines", 10000L);
  }

  @Test
  default void imagesAreReturnedAsImages() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(
        key,
        "write_file",
        Map.of("path", "pic.png", "content", CommandBehaviour.TINY_PNG, "encoding", "base64"));
    ToolResult r = h.ok(key, "read_file", Map.of("path", "pic.png"));
    assertThat(r.structured())
        .containsEntry("encoding", "image")
        .containsEntry("mime_type", "image/png");
    assertThat(r.images()).hasSize(1);
    assertThat(r.images().get(0).data())
        .isEqualTo(Base64.getDecoder().decode(CommandBehaviour.TINY_PNG));
    assertThat(r.text()).contains("/home/tenki/pic.png is a image/png image");
  }

  @Test
  default void missingFilesDirectoriesAndEscapesAreErrorsNamingThePath() {
    ToolkitHarness h = harness();
    String key = key();
    assertThat(h.error(key, "read_file", Map.of("path", "nope.txt")).text())
        .contains("File not found: /home/tenki/nope.txt");
    assertThat(h.error(key, "read_file", Map.of("path", "../../etc/passwd")).text())
        .contains("`path` must be a path inside /home/tenki");
    h.ok(key, "write_file", Map.of("path", "dir/f", "content", "x"));
    assertThat(h.error(key, "read_file", Map.of("path", "dir")).text()).contains("is a directory");
    assertThat(h.error(key, "write_file", Map.of("path", "dir", "content", "x")).text())
        .contains("/home/tenki/dir is a directory");
    assertThat(h.error(key, "write_file", Map.of("path", "newdir/", "content", "x")).text())
        .contains("`path` ends with /, which names a folder", "/home/tenki/newdir/notes.txt");
    assertThat(h.error(key, "read_file", Map.of("path", "newdir")).text())
        .as("nothing was written")
        .contains("File not found: /home/tenki/newdir");
    assertThat(
            h.error(key, "edit_file", Map.of("path", "nope", "old_text", "a", "new_text", "b"))
                .text())
        .contains("File not found: /home/tenki/nope");
  }

  @Test
  default void aLeadingTildeIsTheHomeDirectory() {
    ToolkitHarness h = harness();
    String key = key();
    assertThat(
            h.ok(key, "write_file", Map.of("path", "~/proj/a.py", "content", "x = 1\n"))
                .structured())
        .containsEntry("path", "/home/tenki/proj/a.py");
    h.ok(key, "edit_file", Map.of("path", "~/proj/a.py", "old_text", "1", "new_text", "2"));
    assertThat(h.ok(key, "read_file", Map.of("path", "proj/a.py")).structured())
        .containsEntry("content", "x = 2\n");
    assertThat(h.ok(key, "list_files", Map.of("path", "~")).text()).contains("proj/");
    assertThat(h.ok(key, "run_command", Map.of("command", "ls", "cwd", "~/proj")).structured())
        .containsEntry("stdout", "a.py\n");
    // a folder really named ~ is still reachable, and ~ leads nowhere outside home
    assertThat(h.ok(key, "write_file", Map.of("path", "./~/odd", "content", "x")).structured())
        .containsEntry("path", "/home/tenki/~/odd");
    assertThat(h.error(key, "read_file", Map.of("path", "~/../etc/passwd")).text())
        .contains("`path` must be a path inside /home/tenki");
  }

  @Test
  default void readEditAndAppendGoThroughSymbolicLinks() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(
        key,
        "run_command",
        Map.of(
            "command",
            "mkdir -p docs && printf 'hello world, a line longer than any link\\n' > docs/notes.md"
                + " && ln -s docs/notes.md README.md && ln -s notes.md docs/same.md"
                + " && ln -s docs/same.md chain.md && ln -s missing.txt dangling"
                + " && ln -s loop-a loop-b && ln -s loop-b loop-a"));
    String text = "hello world, a line longer than any link\n";
    // a link's own size is the length of its target's name; the file behind it is longer
    for (String link : List.of("README.md", "chain.md", "docs/same.md")) {
      assertThat(h.ok(key, "read_file", Map.of("path", link)).structured())
          .as(link)
          .containsEntry("content", text)
          .containsEntry("size_bytes", (long) text.length())
          .containsEntry("truncated", false);
    }
    assertThat(h.ok(key, "read_file", Map.of("path", "README.md")).text())
        .contains("/home/tenki/README.md (" + text.length() + " bytes, 1 line):");
    h.ok(key, "edit_file", Map.of("path", "chain.md", "old_text", "world", "new_text", "there"));
    assertThat(h.ok(key, "read_file", Map.of("path", "docs/notes.md")).structured())
        .containsEntry("content", text.replace("world", "there"));
    ToolResult appended =
        h.ok(key, "write_file", Map.of("path", "README.md", "content", "more\n", "append", true));
    assertThat(appended.structured()).containsEntry("size_bytes", (long) text.length() + 5);
    assertThat(
            h.ok(key, "run_command", Map.of("command", "test -L README.md && test -L chain.md"))
                .structured())
        .as("the links are still links")
        .containsEntry("exit_code", 0);
    assertThat(h.error(key, "read_file", Map.of("path", "dangling")).text())
        .contains("/home/tenki/dangling is a symbolic link to /home/tenki/missing.txt,")
        .contains("which does not exist");
    assertThat(h.error(key, "read_file", Map.of("path", "loop-a")).text())
        .contains("/home/tenki/loop-a leads through more than 40 symbolic links");
    // a link out of home is an error that says where it leads, not an internal failure
    h.ok(key, "run_command", Map.of("command", "ln -s /etc/hostname out && ln -s ../.. up"));
    assertThat(h.error(key, "read_file", Map.of("path", "out")).text())
        .contains("/home/tenki/out is a symbolic link to /etc/hostname, outside /home/tenki")
        .contains("run_command");
    assertThat(
            h.error(key, "edit_file", Map.of("path", "out", "old_text", "a", "new_text", "b"))
                .text())
        .contains("outside /home/tenki");
    assertThat(h.error(key, "read_file", Map.of("path", "up")).text())
        .contains("/home/tenki/up is a symbolic link to /home/tenki/../.., outside");
  }

  @Test
  default void anEditThatMissesOnlyInWhitespaceIsShownTheExactText() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(
        key,
        "write_file",
        Map.of("path", "calc.py", "content", "def f(x):\n\tif x:\n\t\treturn  x * 2\n"));
    ToolResult missed =
        h.error(
            key,
            "edit_file",
            Map.of(
                "path",
                "calc.py",
                "old_text",
                "    if x:\n        return x * 2",
                "new_text",
                "    return x"));
    assertThat(missed.text())
        .contains(
            "old_text was not found",
            "It matches lines 2-3 when spaces and tabs are ignored; the exact text there is:\n"
                + "if x:\n\t\treturn  x * 2");
  }

  @Test
  default void editsWithLfLineBreaksApplyToAFileWithCrlfLineEndings() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(key, "write_file", Map.of("path", "dos.bat", "content", "@echo off\r\necho one\r\n"));
    ToolResult edited =
        h.ok(
            key,
            "edit_file",
            Map.of(
                "path",
                "dos.bat",
                "old_text",
                "@echo off\necho one",
                "new_text",
                "@echo off\necho two\necho three"));
    assertThat(edited.structured()).containsEntry("replacements", 1L);
    assertThat(edited.text()).contains("line breaks were matched and written as CRLF");
    assertThat(h.ok(key, "read_file", Map.of("path", "dos.bat")).structured())
        .containsEntry("content", "@echo off\r\necho two\r\necho three\r\n");
    // an exact match needs no conversion and says nothing about line endings
    ToolResult exact =
        h.ok(
            key,
            "edit_file",
            Map.of("path", "dos.bat", "old_text", "two\r\n", "new_text", "2\r\n"));
    assertThat(exact.text()).doesNotContain("CRLF");
    assertThat(h.ok(key, "read_file", Map.of("path", "dos.bat")).structured())
        .containsEntry("content", "@echo off\r\necho 2\r\necho three\r\n");
  }

  @Test
  default void editReplacesExactlyOnceOrSaysWhereTheMatchesAre() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(key, "write_file", Map.of("path", "app.py", "content", "x = 1\nprint(x)\nx = 1\n"));
    ToolResult none =
        h.error(key, "edit_file", Map.of("path", "app.py", "old_text", "y = 2", "new_text", "z"));
    assertThat(none.text()).contains("old_text was not found in /home/tenki/app.py");
    ToolResult twice =
        h.error(
            key, "edit_file", Map.of("path", "app.py", "old_text", "x = 1", "new_text", "x = 2"));
    assertThat(twice.text()).contains("occurs 2 times", "lines 1, 3", "replace_all");
    ToolResult once =
        h.ok(
            key,
            "edit_file",
            Map.of("path", "app.py", "old_text", "print(x)", "new_text", "print(x + 1)"));
    assertThat(once.structured())
        .containsEntry("replacements", 1L)
        .containsEntry("path", "/home/tenki/app.py");
    ToolResult all =
        h.ok(
            key,
            "edit_file",
            Map.of(
                "path", "app.py", "old_text", "x = 1", "new_text", "x = 2", "replace_all", true));
    assertThat(all.structured()).containsEntry("replacements", 2L);
    assertThat(h.ok(key, "read_file", Map.of("path", "app.py")).structured())
        .containsEntry("content", "x = 2\nprint(x + 1)\nx = 2\n");
    // an executable keeps its mode through an edit
    h.ok(
        key,
        "run_command",
        Map.of("command", "printf '#!/bin/sh\\necho v1\\n' > run.sh; chmod +x run.sh"));
    h.ok(key, "edit_file", Map.of("path", "run.sh", "old_text", "v1", "new_text", "v2"));
    assertThat(h.ok(key, "run_command", Map.of("command", "./run.sh")).structured())
        .containsEntry("stdout", "v2\n");
  }

  @Test
  default void listFilesShowsTypesSizesDepthAndHiddenEntries() {
    ToolkitHarness h = harness();
    String key = key();
    h.ok(
        key,
        "run_command",
        Map.of(
            "command",
            "mkdir -p proj/src/deep && printf 12345 > proj/a.txt && touch proj/src/m.py proj/src/deep/x"
                + " && touch proj/.env && ln -s a.txt proj/link"));
    ToolResult top = h.ok(key, "list_files", Map.of("path", "proj"));
    assertThat(top.structured())
        .containsEntry("path", "/home/tenki/proj")
        .containsEntry("total_entries", 3L);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> entries = (List<Map<String, Object>>) top.structured().get("entries");
    assertThat(entries)
        .containsExactly(
            Map.of("path", "a.txt", "type", "file", "size_bytes", 5L),
            Map.of("path", "link", "type", "symlink"),
            Map.of("path", "src", "type", "directory"));
    assertThat(top.text()).contains("a.txt  5 bytes", "src/", "link (symlink)");
    ToolResult deep =
        h.ok(key, "list_files", Map.of("path", "proj", "depth", 3, "include_hidden", true));
    assertThat(deep.structured()).containsEntry("total_entries", 7L);
    assertThat(deep.text()).contains(".env", "src/deep/x");
    assertThat(h.error(key, "list_files", Map.of("path", "nowhere")).text())
        .contains("Directory not found");
    assertThat(h.error(key, "list_files", Map.of("path", "proj/a.txt")).text())
        .contains("/home/tenki/proj/a.txt is a file");
  }

  @Test
  default void hugeListingsAreBounded() {
    ToolkitHarness h = harness(b -> b.stdoutBudget(OutputBudget.ofChars(2_000)));
    String key = key();
    h.ok(
        key,
        "run_command",
        Map.of("command", "mkdir many && cd many && touch $(seq -f 'f%04g' 1 1200)"));
    ToolResult r = h.ok(key, "list_files", Map.of("path", "many"));
    assertThat(r.structured())
        .containsEntry("total_entries", 1200L)
        .containsEntry("truncated", true);
    @SuppressWarnings("unchecked")
    List<Map<String, Object>> entries = (List<Map<String, Object>>) r.structured().get("entries");
    // the first entries by name, not the first the file system happens to return
    assertThat(entries)
        .extracting(e -> e.get("path"))
        .containsExactlyElementsOf(
            java.util.stream.IntStream.rangeClosed(1, 50)
                .mapToObj(i -> String.format("f%04d", i))
                .toList());
    assertThat(r.text()).contains("1150 more entries not listed", "f0001  0 bytes");
  }
}
