package cloud.tenki.examples.quickstart;

import cloud.tenki.examples.support.ExampleClients;
import cloud.tenki.examples.support.HostHttp;
import cloud.tenki.sandbox.CreateSandboxOptions;
import cloud.tenki.sandbox.ExecOptions;
import cloud.tenki.sandbox.ExecResult;
import cloud.tenki.sandbox.ListSandboxesOptions;
import cloud.tenki.sandbox.Preview;
import cloud.tenki.sandbox.Sandbox;
import cloud.tenki.sandbox.SandboxInfo;
import cloud.tenki.sandbox.SandboxProcess;
import cloud.tenki.sandbox.TenkiClient;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

/**
 * The Java SDK quick start, section by section as in the Python SDK's README: create a sandbox,
 * {@code exec}, files, expose a port, {@code start} with streamed stdin, {@code shell}, lifetime
 * options, {@code extend}, pause and resume, and {@code list}. Each step prints what it did.
 *
 * <p>Run it (without {@code TENKI_API_KEY} the sandboxes run in the embedded local engine):
 *
 * <pre>
 * ./mvnw -q -pl examples -am verify -DskipTests -Pquickstart
 * </pre>
 */
public final class QuickStart {
  static final int HTTP_PORT = 3000;

  private QuickStart() {}

  public static void main(String[] args) {
    try (TenkiClient client = ExampleClients.fromEnvironment()) {
      System.out.println("Tenki endpoint: " + client.endpoint());
      run(client, System.out);
    }
  }

  /** Runs every section against {@code client}, printing to {@code out}; closes what it creates. */
  public static void run(TenkiClient client, PrintStream out) {
    CreateSandboxOptions options = CreateSandboxOptions.builder().cpuCores(1).memoryMb(512).build();
    try (Sandbox sb = client.sandboxes().create(options)) {
      out.println("== create: sandbox " + sb.id() + " is " + sb.info().state());
      execSection(sb, out);
      filesSection(sb, out);
      exposePortSection(sb, out);
      startSection(sb, out);
      shellSection(sb, out);
    }
    out.println("(the first sandbox is terminated: closing a Sandbox ends it)");
    lifetimeSections(client, out);
  }

  static void execSection(Sandbox sb, PrintStream out) {
    ExecResult hello = sb.exec("python3", "-c", "print('hello')").check();
    out.println("== exec: python3 printed " + hello.stdoutText().strip());

    ExecResult ci =
        sb.exec(
            ExecOptions.builder("bash", "-c", "echo CI=$CI; exit 3")
                .timeout(Duration.ofSeconds(60))
                .env("CI", "1")
                .build());
    out.println(
        "   with env and timeout: "
            + ci.stdoutText().strip()
            + ", exit code "
            + ci.exitCode()
            + " (a non-zero exit is a result; check() would throw)");
  }

  static void filesSection(Sandbox sb, PrintStream out) {
    // fs paths are relative to the sandbox workdir (absolute paths must stay inside it)
    sb.fs().writeText("input.txt", "data");
    out.println("== fs: wrote input.txt, read back \"" + sb.fs().readText("input.txt") + "\"");
    String seen = sb.exec("cat", "/home/tenki/input.txt").check().stdoutText();
    out.println("   a command in the sandbox sees \"" + seen + "\"");
    String names =
        sb.fs().list(".").stream().map(e -> e.name()).sorted().collect(Collectors.joining(", "));
    out.println("   the workdir holds: " + names);
  }

  static void exposePortSection(Sandbox sb, PrintStream out) {
    sb.fs().writeText("site/index.html", "<h1>served from the sandbox</h1>\n");
    sb.shell("cd site && python3 -m http.server " + HTTP_PORT + " >/tmp/server.log 2>&1 &").check();
    Preview preview = sb.exposePort(HTTP_PORT, Duration.ofHours(1));
    out.println("== expose port: " + HTTP_PORT + " is at " + preview.url());
    String body = HostHttp.getWhenReady(preview.url(), Duration.ofSeconds(30));
    out.println("   fetched from this machine: " + body.strip());
  }

  static void startSection(Sandbox sb, PrintStream out) {
    try (SandboxProcess proc = sb.start("bash", "-lc", "read name; echo hello $name")) {
      proc.writeStdin("tenki\n");
      proc.closeStdin();
      String said = new String(proc.stdout().readAllBytes(), StandardCharsets.UTF_8);
      out.println("== start: wrote \"tenki\" to stdin, the process said: " + said.strip());
      proc.waitFor().check();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    String upper =
        "import sys\nfor line in sys.stdin:\n    print(line.strip().upper(), flush=True)";
    try (SandboxProcess proc = sb.start("python3", "-u", "-c", upper)) {
      BufferedReader lines =
          new BufferedReader(new InputStreamReader(proc.stdout(), StandardCharsets.UTF_8));
      for (String word : List.of("streamed", "both", "ways")) {
        proc.writeStdin(word + "\n");
        out.println("   sent " + word + ", got back " + lines.readLine() + " while it runs");
      }
      proc.closeStdin();
      out.println("   stdin closed; exit code " + proc.waitFor().exitCode());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static void shellSection(Sandbox sb, PrintStream out) {
    ExecResult r = sb.shell("ls /home/tenki | wc -l && echo $((6 * 7)) | tee answer.txt").check();
    out.println(
        "== shell: pipes and arithmetic work: " + r.stdoutText().strip().replace('\n', ' '));
  }

  /** Lifetime options, extend, pause/resume and list, on a second, long-lived sandbox. */
  static void lifetimeSections(TenkiClient client, PrintStream out) {
    CreateSandboxOptions longLived =
        CreateSandboxOptions.builder()
            .name("quickstart-long-lived")
            .sticky(true) // long-lived session: not reaped on idle
            .idleTimeoutMinutes(120) // or: generous idle window before auto-pause
            .maxDuration(Duration.ofHours(8)) // total lifetime cap
            .pauseRetention(Duration.ofHours(24)) // how long a paused session is kept resumable
            .build();
    try (Sandbox sb = client.sandboxes().create(longLived)) {
      SandboxInfo info = sb.info();
      out.println(
          "== lifetime: "
              + sb.id()
              + " sticky="
              + info.sticky()
              + " idleTimeoutMinutes="
              + info.idleTimeoutMinutes().orElse(null)
              + " pauseRetention="
              + info.pauseRetention().orElse(null)
              + " timeoutAt="
              + info.timeoutAt().orElse(null));

      SandboxInfo extended = sb.extend(Duration.ofMinutes(30));
      out.println(
          "== extend: +30 min moves timeoutAt from "
              + info.timeoutAt().orElse(null)
              + " to "
              + extended.timeoutAt().orElse(null)
              + " (by "
              + minutesBetween(info, extended)
              + " min)");

      pauseResume(sb, out);
      listSection(client, sb, out);
    }
  }

  private static long minutesBetween(SandboxInfo before, SandboxInfo after) {
    if (before.timeoutAt().isEmpty() || after.timeoutAt().isEmpty()) {
      return -1;
    }
    return Duration.between(before.timeoutAt().get(), after.timeoutAt().get()).toMinutes();
  }

  static void pauseResume(Sandbox sb, PrintStream out) {
    sb.fs().writeText("notes.txt", "kept across a pause");
    SandboxInfo paused = sb.pause();
    out.println("== pause: state " + paused.state() + " (processes stopped, files kept)");
    SandboxInfo resumed = sb.resume();
    out.println(
        "== resume: state "
            + resumed.state()
            + ", notes.txt says \""
            + sb.fs().readText("notes.txt")
            + "\"");
  }

  static void listSection(TenkiClient client, Sandbox sb, PrintStream out) {
    List<SandboxInfo> sticky =
        client
            .sandboxes()
            .list(ListSandboxesOptions.builder().sticky(true).build())
            .collect(Collectors.toList());
    boolean found = sticky.stream().anyMatch(i -> i.id().equals(sb.id()));
    out.println(
        "== list: "
            + sticky.size()
            + " sticky sandbox(es), this one "
            + (found ? "among them" : "MISSING")
            + "; "
            + client.sandboxes().list().count()
            + " not terminated in all");
  }
}
