package cloud.tenki.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import cloud.tenki.engine.sandbox.Sandbox;
import cloud.tenki.proto.sandbox.v1.RunStart;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

/**
 * Commands started through a prepared launch (a launch chain that ran ahead of time and waits in
 * the sandbox for its request) behave exactly like commands started on demand: same argv,
 * environment, working directory, stdin, exit status; the sandbox's own code cannot break later
 * commands by killing the waiting shell; and nothing is left behind when the sandbox stops.
 */
class PreparedLaunchTest {

  /** A value no line-based protocol carries by accident. */
  static final String TRICKY =
      "line one\nline 'two' \"quoted\" back\\slash \\n $(id) `id` ;*\n  lead and trail  \n"
          + "ünïcødé ✓ 日本\n";

  @RegisterExtension final Engines engines = new Engines();
  private LocalEngine engine;
  private EngineClient client;

  private EngineClient.Sandbox start(Isolation isolation) {
    engine = engines.start(LocalEngine.builder().isolation(isolation).maxProcesses(64));
    client = engines.client(engine, "tk_test");
    return client.create();
  }

  /** A sandbox whose next command takes a prepared launch (its first command ran already). */
  private EngineClient.Sandbox startPrepared(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    sb.run("true");
    awaitPrepared(sb);
    return sb;
  }

  private Sandbox sandbox(EngineClient.Sandbox sb) {
    return engine.sessions().get(sb.id).sandbox();
  }

  /** Waits (bounded) until the next command of {@code sb} would take a prepared launch. */
  private void awaitPrepared(EngineClient.Sandbox sb) {
    Sandbox s = sandbox(sb);
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(20);
    while (!s.preparedLaunchReady()) {
      assertThat(System.nanoTime()).as("a prepared launch within 20 s").isLessThan(deadline);
      java.util.concurrent.locks.LockSupport.parkNanos(200_000);
    }
  }

  /** Runs {@code cmd} through a prepared launch, checked by the sandbox's counter. */
  private EngineClient.RunResult runPrepared(EngineClient.Sandbox sb, RunStart.Builder cmd)
      throws Exception {
    return runPrepared(sb, cmd, null);
  }

  private EngineClient.RunResult runPrepared(
      EngineClient.Sandbox sb, RunStart.Builder cmd, byte[] stdin) throws Exception {
    awaitPrepared(sb);
    long before = sandbox(sb).preparedLaunches();
    EngineClient.RunResult r = sb.run(stdin == null ? cmd : cmd.setStreamStdin(true), stdin);
    assertThat(sandbox(sb).preparedLaunches())
        .as("started through a prepared launch")
        .isEqualTo(before + 1);
    return r;
  }

  /** Starts {@code argv} in {@code cwd} straight through the sandbox, through a prepared launch. */
  private String execPrepared(EngineClient.Sandbox sb, List<String> argv, String cwd)
      throws Exception {
    awaitPrepared(sb);
    long before = sandbox(sb).preparedLaunches();
    Process p = sandbox(sb).exec(new ArrayList<>(argv), cwd, Map.of());
    assertThat(sandbox(sb).preparedLaunches()).isEqualTo(before + 1);
    return finish(p).out();
  }

  /** What a host-side process printed and how it ended, after its stdin was closed. */
  private record Finished(String out, String err, int code) {}

  private static Finished finish(Process p) throws Exception {
    p.getOutputStream().close();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    String err = new String(p.getErrorStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).isTrue();
    return new Finished(out, err, p.exitValue());
  }

  private static RunStart.Builder cmd(String... argv) {
    return RunStart.newBuilder().addAllCmd(List.of(argv));
  }

  private static List<String> nulSeparated(byte[] out) {
    return new ArrayList<>(Arrays.asList(new String(out, StandardCharsets.UTF_8).split("\0", -1)));
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void aWorkingDirectoryIsConfirmedFromInsideWithoutAHelper(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    assertThat(sb.run("mkdir", "-p", "/home/tenki/sub/dir").code()).isZero();
    assertThat(sb.run("ln", "-s", "sub/dir", "/home/tenki/link").code()).isZero();
    // exactly one prepared launch each: a helper checking the directory first would have taken
    // the parked one, and the command the next; the command's first bytes follow the
    // confirmation on the same pipe and must all arrive
    var r = runPrepared(sb, cmd("sh", "-c", "pwd; printf more").setCwd("sub/dir"));
    assertThat(r.out()).isEqualTo("/home/tenki/sub/dir\nmore");
    assertThat(runPrepared(sb, cmd("pwd").setCwd("link")).out()).isEqualTo("/home/tenki/sub/dir\n");
    byte[] input = "to stdin\n".getBytes(StandardCharsets.UTF_8);
    assertThat(runPrepared(sb, cmd("cat").setCwd("sub"), input).out()).isEqualTo("to stdin\n");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void aMissingWorkingDirectoryFailsTheCallOnBothPaths(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    assertThat(sb.run("touch", "/home/tenki/file").code()).isZero();
    for (String cwd : List.of("/home/tenki/nope", "/home/tenki/file")) {
      awaitPrepared(sb);
      long before = sandbox(sb).preparedLaunches();
      assertThatThrownBy(() -> sb.run(cmd("touch", "/home/tenki/ran").setCwd(cwd), null))
          .hasMessageContaining("FAILED_PRECONDITION")
          .hasMessageContaining("cwd is not a directory in the sandbox: " + cwd);
      assertThat(sandbox(sb).preparedLaunches()).as("nothing started").isEqualTo(before);
      // on demand (a reserved variable name sends a request that way): the same answer
      RunStart.Builder cold = cmd("touch", "/home/tenki/ran").setCwd(cwd).putEnv("_tenki_x", "1");
      assertThatThrownBy(() -> sb.run(cold, null))
          .hasMessageContaining("FAILED_PRECONDITION")
          .hasMessageContaining("cwd is not a directory in the sandbox: " + cwd);
    }
    assertThat(sb.stat("/home/tenki/ran").getExists()).isFalse();
    assertThat(runPrepared(sb, cmd("true")).code()).isZero();
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void environmentArgvAndCwdAreTheSameAsOnDemand(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    RunStart.Builder env = cmd("/usr/bin/env", "-0").putEnv("TRICKY", TRICKY).putEnv("EMPTY", "");
    List<String> cold = nulSeparated(sb.run(env, null).stdout());
    assertThat(sandbox(sb).preparedLaunches()).as("the first command starts on demand").isZero();
    List<String> warm = nulSeparated(runPrepared(sb, env).stdout());
    List<String> third = nulSeparated(runPrepared(sb, env).stdout());
    assertThat(warm).containsExactlyInAnyOrderElementsOf(cold);
    assertThat(third).containsExactlyInAnyOrderElementsOf(cold);
    assertThat(warm).contains("TRICKY=" + TRICKY, "EMPTY=", "HOME=/home/tenki", "LANG=C.UTF-8");
    // nothing of the host-side launch chain: no carriers, no shell state, no LC_ALL=C that would
    // override the sandbox's LANG
    assertThat(warm)
        .noneMatch(
            v -> v.startsWith("TENKI_ENV_") || v.startsWith("_tenki_") || v.startsWith("LC_ALL="));
    // a caller's own LC_ALL is kept on both paths (a reserved name sends a request cold)
    RunStart.Builder chosen = cmd("/usr/bin/env", "-0").putEnv("LC_ALL", "POSIX");
    long before = sandbox(sb).preparedLaunches();
    var coldChosen = sb.run(chosen.clone().putEnv("_tenki_cold", "1"), null);
    assertThat(sandbox(sb).preparedLaunches()).isEqualTo(before);
    assertThat(nulSeparated(coldChosen.stdout())).contains("LC_ALL=POSIX");
    assertThat(nulSeparated(runPrepared(sb, chosen).stdout())).contains("LC_ALL=POSIX");

    String[] argv = {"/usr/bin/printf", "%s\\0", TRICKY, "", "\n", " ", "-n", "\\", "a\nb\n"};
    var printed = runPrepared(sb, cmd(argv));
    assertThat(printed.code()).isZero();
    List<String> got = nulSeparated(printed.stdout());
    assertThat(got.subList(0, got.size() - 1))
        .containsExactly(Arrays.copyOfRange(argv, 2, argv.length));

    sb.mkdir("/tmp/work dir", 0755, true);
    String pwd =
        execPrepared(
            sb,
            List.of("sh", "-c", "pwd; echo \"$PWD\"; echo \"${OLDPWD-unset}\""),
            "/tmp/work dir");
    assertThat(pwd).isEqualTo("/tmp/work dir\n/tmp/work dir\nunset\n");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void aMissingWorkingDirectoryFailsClearly(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = startPrepared(isolation);
    Finished f =
        finish(sandbox(sb).exec(new ArrayList<>(List.of("pwd")), "/no/such/dir", Map.of()));
    assertThat(sandbox(sb).preparedLaunches()).isEqualTo(1);
    assertThat(f.code()).isNotZero();
    assertThat(f.out()).isEmpty();
    assertThat(f.err()).contains("cannot change directory to /no/such/dir");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void stdinAfterTheRequestIsTheCommandsByteForByte(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    sb.run("true");
    // bytes that look like a request, a partial line, and no newline at the end
    byte[] small = "1\n4\nfake\n\n3\nx".getBytes(StandardCharsets.UTF_8);
    assertThat(runPrepared(sb, cmd("cat"), small).stdout()).isEqualTo(small);
    byte[] large = new byte[3 * 1024 * 1024];
    new Random(7).nextBytes(large);
    var r = runPrepared(sb, cmd("cat"), large);
    assertThat(r.stdout()).isEqualTo(large);

    // input written the moment the process is handed over, before the command even runs
    awaitPrepared(sb);
    Process p = sandbox(sb).exec(new ArrayList<>(List.of("od", "-An", "-c")), "/", Map.of());
    p.getOutputStream().write('\n');
    p.getOutputStream().write("x y".getBytes(StandardCharsets.UTF_8));
    String od = finish(p).out();
    assertThat(od.replaceAll("\\s+", " ").trim()).isEqualTo("\\n x y");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void exitCodesAndSignalsAreTheCommands(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    sb.run("true");
    assertThat(runPrepared(sb, cmd("sh", "-c", "exit 42")).code()).isEqualTo(42);
    var killed = runPrepared(sb, cmd("sh", "-c", "kill -TERM $$; sleep 5"));
    assertThat(killed.exit().getSignal()).isEqualTo("SIGTERM");
    assertThat(runPrepared(sb, cmd("no-such-command-here")).code()).isEqualTo(127);
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void aProgramThatCannotRunIsReportedAlikeOnBothPaths(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    sb.run("sh", "-c", "printf 'echo x' > plain.sh");
    awaitPrepared(sb);
    String[][] cases = {
      {"no-such-command-here", "127", "no-such-command-here: command not found"},
      {"./missing.sh", "127", "./missing.sh: No such file or directory"},
      {"./plain.sh", "126", "./plain.sh: Permission denied"},
      {"/home/tenki", "126", "/home/tenki: Is a directory"},
    };
    for (String[] c : cases) {
      var warm = runPrepared(sb, cmd(c[0]));
      // a reserved variable name sends a request down the on-demand path
      var cold = sb.run(cmd(c[0]).putEnv("_tenki_cold", "1"), null);
      for (var r : List.of(warm, cold)) {
        assertThat(r.code()).as(c[0]).isEqualTo(Integer.parseInt(c[1]));
        assertThat(r.err()).as(c[0]).isEqualTo(c[2] + "\n");
      }
      awaitPrepared(sb);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void killingEverythingInsideDoesNotBreakTheNextCommand(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = startPrepared(isolation);
    String ns = pidNamespace(sb);
    List<Long> parked = preparedShellsIn(ns);
    assertThat(parked).hasSize(1);
    // as the sandbox user, kill every process it may, the waiting shell included; the reserved
    // variable name makes this command start the ordinary way, so the waiting shell is still there
    var r = sb.run(cmd("sh", "-c", "kill -9 -1; echo done").putEnv("_tenki_x", "1"), null);
    assertThat(r.out()).isEqualTo("done\n");
    // at once: the shell may still be dying, and its nsenter outside the sandbox still waiting
    // for it, when this command is handed to it; it must run all the same
    assertThat(sb.run("echo", "after").out()).isEqualTo("after\n");
    // SIGKILL is delivered at once, but the shell ends only when next scheduled; on a busy
    // machine that can be after the commands have replied
    assertThat(endsWithin(parked.get(0), 10)).as("the waiting shell was killed").isTrue();
    assertThat(runPrepared(sb, cmd("echo", "prepared again")).out()).isEqualTo("prepared again\n");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void aWaitingShellThatDiesGivesItsProcessSlotsBack(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = startPrepared(isolation);
    java.nio.file.Path limit = sandbox(sb).group().processLimitFile();
    // while a launch waits, the limit is raised by the two processes it holds
    assertThat(java.nio.file.Files.readString(limit).trim()).isEqualTo("66");
    List<Long> parked = preparedShellsIn(pidNamespace(sb));
    assertThat(parked).hasSize(1);
    ProcessHandle.of(parked.get(0)).orElseThrow().destroyForcibly();
    // nothing else runs: only the engine noticing the death can lower the limit again
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    while (!java.nio.file.Files.readString(limit).trim().equals("64")) {
      assertThat(System.nanoTime()).as("the limit lowered within 10 s").isLessThan(deadline);
      java.util.concurrent.locks.LockSupport.parkNanos(1_000_000);
    }
    assertThat(sandbox(sb).preparedLaunchReady()).isFalse();
    assertThat(sb.run("echo", "after").out()).isEqualTo("after\n");
  }

  @org.junit.jupiter.api.Test
  void aStoppedWaitingShellDelaysTheNextCommandWithoutLosingIt() throws Exception {
    EngineClient.Sandbox sb = startPrepared(Isolation.BWRAP);
    List<Long> parked = preparedShellsIn(pidNamespace(sb));
    assertThat(parked).hasSize(1);
    Process stop = new ProcessBuilder("kill", "-STOP", Long.toString(parked.get(0))).start();
    assertThat(stop.waitFor()).isZero();
    long before = sandbox(sb).preparedLaunches();
    // the stopped shell never answers: after a while the engine gives up on it and starts the
    // command the ordinary way
    assertThat(sb.run("echo", "after").out()).isEqualTo("after\n");
    assertThat(sandbox(sb).preparedLaunches()).isEqualTo(before);
    assertThat(endsWithin(parked.get(0), 10)).as("the stopped shell was killed").isTrue();
    assertThat(runPrepared(sb, cmd("echo", "prepared again")).out()).isEqualTo("prepared again\n");
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void aCommandRacingTheStopNeverShowsHostPaths(Isolation isolation) throws Exception {
    engine = engines.start(LocalEngine.builder().isolation(isolation).maxProcesses(64));
    client = engines.client(engine, "tk_test");
    for (int round = 0; round < 6; round++) {
      EngineClient.Sandbox sb = client.create();
      sb.run("true"); // the next launch is being prepared from here on
      Sandbox s = sandbox(sb);
      CompletableFuture<Void> stopping = CompletableFuture.runAsync(s::stop);
      try {
        String err = finish(s.exec(new ArrayList<>(List.of("true")), "/", Map.of())).err();
        assertThat(err).doesNotContain("/sys/fs/cgroup").doesNotContain(sb.id);
      } catch (java.io.IOException e) {
        assertThat(e).hasMessage("sandbox is not running");
      }
      stopping.get(30, TimeUnit.SECONDS);
    }
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void concurrentCommandsAllRun(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = startPrepared(isolation);
    ExecutorService pool = Executors.newFixedThreadPool(8);
    try {
      List<CompletableFuture<EngineClient.RunResult>> runs = new ArrayList<>();
      for (int i = 0; i < 8; i++) {
        String word = "run" + i;
        runs.add(
            CompletableFuture.supplyAsync(
                () -> {
                  try {
                    return sb.run(
                        cmd("sh", "-c", "cat; echo \"$W\"").putEnv("W", word).setStreamStdin(true),
                        word.getBytes(StandardCharsets.UTF_8));
                  } catch (Exception e) {
                    throw new IllegalStateException(e);
                  }
                },
                pool));
      }
      for (int i = 0; i < 8; i++) {
        var r = runs.get(i).get(60, TimeUnit.SECONDS);
        assertThat(r.code()).isZero();
        assertThat(r.out()).isEqualTo("run" + i + "run" + i + "\n");
      }
    } finally {
      pool.shutdownNow();
    }
    assertThat(sandbox(sb).preparedLaunches()).isBetween(1L, 8L);
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void theProcessLimitIsTheSameWithAndWithoutAPreparedLaunch(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = start(isolation);
    sb.run("true");
    // waits until the engine's next launch has taken its process slots (its shell is visible in
    // the sandbox), then counts how many more processes fit
    String forks =
        "import os, signal, time\n"
            + "def waiting():\n"
            + "    for d in os.listdir('/proc'):\n"
            + "        if d.isdigit() and d != str(os.getpid()):\n"
            + "            try:\n"
            + "                if b'tenki-prepared' in open('/proc/' + d + '/cmdline', 'rb').read():\n"
            + "                    return True\n"
            + "            except OSError:\n"
            + "                pass\n"
            + "    return False\n"
            + "deadline = time.monotonic() + 20\n"
            + "while not waiting() and time.monotonic() < deadline:\n"
            + "    time.sleep(0.01)\n"
            + "kids = []\n"
            + "while len(kids) < 200:\n"
            + "    try:\n"
            + "        pid = os.fork()\n"
            + "    except OSError:\n"
            + "        break\n"
            + "    if pid == 0:\n"
            + "        signal.pause()\n"
            + "        os._exit(0)\n"
            + "    kids.append(pid)\n"
            + "print(len(kids))\n"
            + "for k in kids:\n"
            + "    os.kill(k, 9)\n"
            + "    os.waitpid(k, 0)\n";
    awaitPrepared(sb);
    // without prepared launches a command gets the limit less the sandbox's own processes (its
    // init) less its own launch chain (nsenter and the command itself)
    long shell = preparedShellsIn(pidNamespace(sb)).get(0);
    long nsenter = ProcessHandle.of(shell).flatMap(ProcessHandle::parent).orElseThrow().pid();
    List<Long> inGroup = sandbox(sb).group().pids();
    assertThat(inGroup).contains(shell, nsenter);
    long own = inGroup.stream().filter(p -> p != shell && p != nsenter).count();
    long expected = 64 - own - 2;
    // a reserved variable name sends this one the ordinary way while a launch waits
    long before = sandbox(sb).preparedLaunches();
    var onDemand = sb.run(cmd("python3", "-c", forks).putEnv("_tenki_cold", "1"), null);
    assertThat(sandbox(sb).preparedLaunches()).isEqualTo(before);
    var prepared = runPrepared(sb, cmd("python3", "-c", forks));
    assertThat(Long.parseLong(onDemand.out().trim())).isEqualTo(expected);
    assertThat(Long.parseLong(prepared.out().trim())).isEqualTo(expected);
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void stoppingTheSandboxLeavesNoPreparedLaunchBehind(Isolation isolation) throws Exception {
    EngineClient.Sandbox sb = startPrepared(isolation);
    String ns = pidNamespace(sb);
    List<Long> waiting = preparedShellsIn(ns);
    assertThat(waiting).as("the waiting shell, found on the host").hasSize(1);
    long nsenter =
        ProcessHandle.of(waiting.get(0)).flatMap(ProcessHandle::parent).orElseThrow().pid();
    sb.terminate();
    // both were sent SIGKILL; each ends when next scheduled
    assertThat(endsWithin(waiting.get(0), 10)).as("the waiting shell ended").isTrue();
    assertThat(endsWithin(nsenter, 10)).as("its nsenter ended").isTrue();
  }

  @ParameterizedTest
  @EnumSource(
      value = Isolation.class,
      names = {"BWRAP", "UNSHARE"})
  void stoppingWhileALaunchIsBeingPreparedLeavesNothingBehind(Isolation isolation)
      throws Exception {
    engine = engines.start(LocalEngine.builder().isolation(isolation));
    client = engines.client(engine, "tk_test");
    for (int round = 0; round < 5; round++) {
      EngineClient.Sandbox sb = client.create();
      long init = sandbox(sb).init().targetPid();
      // the first command starts preparing the next launch; the sandbox stops right away
      assertThat(sb.run("true").code()).isZero();
      sb.terminate();
      assertThat(chainsEntering(init)).as("launch chains into the stopped sandbox").isEmpty();
    }
  }

  /** Host processes of a prepared launch chain entering the sandbox whose init is {@code init}. */
  private static List<Long> chainsEntering(long init) throws Exception {
    return processes(
        (cmdline, p) ->
            cmdline.contains("\0--target=" + init + "\0") && cmdline.contains("\0tenki-prepared"));
  }

  /** Host pids of prepared shells whose pid namespace is {@code ns}. */
  private static List<Long> preparedShellsIn(String ns) throws Exception {
    return processes(
        (cmdline, p) ->
            cmdline.contains("\0tenki-prepared")
                && !cmdline.contains("nsenter")
                && Files.readSymbolicLink(p.resolve("ns/pid")).toString().equals(ns));
  }

  /** A test of a process by its command line (NUL-separated) and its {@code /proc} directory. */
  @FunctionalInterface
  private interface ProcessTest {
    boolean matches(String cmdline, Path proc) throws java.io.IOException;
  }

  /** Host pids of the processes that pass {@code test} (those exiting meanwhile are skipped). */
  private static List<Long> processes(ProcessTest test) throws Exception {
    List<Long> found = new ArrayList<>();
    try (Stream<Path> procs = Files.list(Path.of("/proc"))) {
      for (Path p : procs.filter(d -> d.getFileName().toString().matches("\\d+")).toList()) {
        try {
          String cmdline =
              new String(Files.readAllBytes(p.resolve("cmdline")), StandardCharsets.UTF_8);
          if (test.matches(cmdline, p)) {
            found.add(Long.parseLong(p.getFileName().toString()));
          }
        } catch (java.io.IOException e) {
          // exited meanwhile
        }
      }
    }
    return found;
  }

  private String pidNamespace(EngineClient.Sandbox sb) throws Exception {
    long init = sandbox(sb).init().targetPid();
    return Files.readSymbolicLink(Path.of("/proc/" + init + "/ns/pid")).toString();
  }

  /** Whether {@code pid} has exited (gone, or a zombie not yet reaped) within the time given. */
  private static boolean endsWithin(long pid, int seconds) {
    Path stat = Path.of("/proc", Long.toString(pid), "stat");
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(seconds);
    do {
      String line;
      try {
        line = Files.readString(stat, StandardCharsets.UTF_8);
      } catch (java.io.IOException e) {
        return true;
      }
      if (line.substring(line.lastIndexOf(')') + 1).trim().startsWith("Z")) {
        return true;
      }
      java.util.concurrent.locks.LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(5));
    } while (System.nanoTime() < deadline);
    return false;
  }
}
