#!/usr/bin/env python3
"""Cold start of tenki-mcp-server over stdio: process spawn to the tools/list reply.

Each run spawns a fresh server, sends initialize, waits for its answer, sends
notifications/initialized and tools/list, and stops the clock at the tools/list reply, as an
MCP client does. Every line the server writes to stdout must parse as JSON-RPC, so a JVM
warning on stdout fails the run. The shipped jar (real sandbox tools; its backend starts in the
background once tools/list is answered) runs in several JVM configurations, interleaved run by run with the
baseline, Tenki's own Node server @tenkicloud/mcp, in the same session; the report gives
medians, p10/p90 and each median's ratio to the baseline's.

With --first-call N, the launcher also measures a conversation's first tool call (run_command
"echo hi" on the embedded local engine: root and bubblewrap or unshare needed), sent right after
the tools/list reply and N seconds after it, interleaved: the first waits for the engine to start,
the second finds it started in the background.

Prerequisite: ./mvnw -q -pl tenki-mcp-server -am package -DskipTests
(which writes target/tenki-mcp-server.jar, the launcher target/tenki-mcp-server that MCP clients
run, and the launcher's class-data-sharing archive target/tenki-mcp-server.jsa beside them).
"""
import argparse
import json
import os
import shutil
import statistics
import subprocess
import sys
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent.parent
TARGET = ROOT / "tenki-mcp-server" / "target"
JAR = TARGET / "tenki-mcp-server.jar"
LAUNCHER = TARGET / "tenki-mcp-server"
ARCHIVE = TARGET / "tenki-mcp-server.jsa"
RESULTS = HERE / "results"
NODE_BASELINE = "@tenkicloud/mcp (node)"
STALE = "launch flags, stale archive"
SLUGS = {"java -jar (JVM defaults)": "jvm_defaults", "launcher, TENKI_MCP_CDS=off": "no_archive",
         "archive, tiered JIT": "archive_tiered", "launcher (shipped)": "launcher",
         STALE: "launch_flags_stale_archive", NODE_BASELINE: "node_tenkicloud_mcp"}

# The JVM options target/tenki-mcp-server (the launcher) starts the jar with, besides the archive.
FAST_JIT = ["-XX:+UseSerialGC", "-Xms32m", "-XX:TieredStopAtLevel=1",
            "-XX:CompileThresholdScaling=0.1"]
# what the launcher used before: the tiered JIT at its default thresholds
TIERED = ["-XX:+UseSerialGC", "-Xms32m"]
JVM_LOG_TO_STDERR = ["-Xlog:disable", "-Xlog:all=warning:stderr"]

INITIALIZE = {"jsonrpc": "2.0", "id": 1, "method": "initialize",
              "params": {"protocolVersion": "2025-06-18", "capabilities": {},
                         "clientInfo": {"name": "cold-start", "version": "1"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
LIST = {"jsonrpc": "2.0", "id": 2, "method": "tools/list"}


def line(message):
    return (json.dumps(message) + "\n").encode()


def read_response(stdout, wanted_id, deadline):
    while time.monotonic() < deadline:
        raw = stdout.readline()
        if not raw:
            raise RuntimeError("server closed stdout before answering id %s" % wanted_id)
        try:
            message = json.loads(raw)
        except ValueError:
            raise RuntimeError("stdout carried a line that is not JSON: %r" % raw[:200])
        if message.get("id") == wanted_id:
            return message
    raise RuntimeError("timed out")


def listed(command, env, stderr, deadline):
    """Spawns the server, initializes it as a client does and lists its tools: (process, reply)."""
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=stderr, env=env)
    try:
        process.stdin.write(line(INITIALIZE))
        process.stdin.flush()
        read_response(process.stdout, 1, deadline)
        process.stdin.write(line(INITIALIZED) + line(LIST))
        process.stdin.flush()
        return process, read_response(process.stdout, 2, deadline)
    except BaseException:
        process.kill()
        process.wait()
        raise


def one_run(command, env):
    start = time.perf_counter()
    process, reply = listed(command, env, subprocess.PIPE, time.monotonic() + 30)
    try:
        elapsed = (time.perf_counter() - start) * 1000
        tools = len(reply["result"]["tools"])
        process.stdin.close()
        rest = process.stdout.read()
        for raw in rest.splitlines():
            json.loads(raw)  # stdout stays JSON-RPC until the end
        stderr = process.stderr.read().decode(errors="replace")
        process.wait(timeout=30)
        return elapsed, tools, stderr
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


CALL = {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
        "params": {"name": "run_command", "arguments": {"command": "echo hi"}}}


def first_call(command, env, pause):
    """Milliseconds of the first run_command sent `pause` seconds after the tools/list reply."""
    deadline = time.monotonic() + 60
    process, _ = listed(command, env, subprocess.DEVNULL, deadline)
    try:
        time.sleep(pause)
        start = time.perf_counter()
        process.stdin.write(line(CALL))
        process.stdin.flush()
        reply = read_response(process.stdout, 3, deadline + pause)
        elapsed = (time.perf_counter() - start) * 1000
        if reply.get("result", {}).get("structuredContent", {}).get("stdout") != "hi\n":
            raise RuntimeError("unexpected first call result: %s" % json.dumps(reply)[:300])
        process.stdin.close()
        process.wait(timeout=60)
        return elapsed
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


def first_calls(command, env, pause, runs):
    right_after, later = [], []
    for _ in range(runs):
        right_after.append(first_call(command, env, 0))
        later.append(first_call(command, env, pause))
    print("first run_command \"echo hi\" of a conversation (launcher, local engine), %d runs each"
          % runs)
    for name, samples in (("right after tools/list", right_after),
                          ("%g s after tools/list" % pause, later)):
        print("%-30s median %6.0fms  min %6.0fms  max %6.0fms"
              % (name, statistics.median(samples), min(samples), max(samples)))
    print("RESULT first_call right_after_ms=%.0f after_pause_ms=%.0f pause_s=%g"
          % (statistics.median(right_after), statistics.median(later), pause))


def java():
    return shutil.which("java") or "java"


def stale_jar():
    """A copy of the jar (new mtime): the shipped archive no longer matches it, as after a copy."""
    RESULTS.mkdir(exist_ok=True)
    copy = RESULTS / "tenki-mcp-server-copy.jar"
    shutil.copyfile(JAR, copy)
    return copy


def java_variants():
    archive = ["-XX:SharedArchiveFile=" + str(ARCHIVE)]
    return {
        "java -jar (JVM defaults)": ([java(), "-jar", str(JAR)], {}),
        "launcher, TENKI_MCP_CDS=off": ([str(LAUNCHER)], {"TENKI_MCP_CDS": "off"}),
        "archive, tiered JIT": ([java(), *archive, *TIERED, *JVM_LOG_TO_STDERR, "-jar", str(JAR)],
                                {}),
        "launcher (shipped)": ([str(LAUNCHER)], {}),
        STALE: ([java(), *archive, *FAST_JIT, *JVM_LOG_TO_STDERR, "-jar", str(stale_jar())], {}),
    }


def node_baseline():
    node = shutil.which("node")
    entry = HERE / "node_modules" / "@tenkicloud" / "mcp" / "dist" / "index.js"
    if node is None:
        return None
    if not entry.exists():
        subprocess.run(["npm", "ci", "--no-audit", "--no-fund", "--loglevel=error"],
                       cwd=HERE, check=True)
    # a syntactically valid key and an unreachable endpoint: it registers all its tools and
    # never talks to the network before answering tools/list
    env = dict(os.environ, TENKI_API_KEY="tk_benchmark", TENKI_API_ENDPOINT="http://127.0.0.1:9")
    return [node, str(entry)], env


def clean_env():
    """The Java server without Tenki settings from the caller's shell (it lists tools anyway)."""
    return {k: v for k, v in os.environ.items()
            if not k.startswith("TENKI_") and k not in ("JAVA_TOOL_OPTIONS", "JDK_JAVA_OPTIONS")}


def report(times, tool_counts, notes, runs):
    baseline = statistics.median(times[NODE_BASELINE]) if NODE_BASELINE in times else None
    print("spawn -> tools/list reply over stdio, %d runs each, interleaved" % runs)
    print("java: " + subprocess.run([java(), "-version"], capture_output=True,
                                    text=True).stderr.splitlines()[0])
    if baseline:
        print("node: " + subprocess.run(["node", "--version"], capture_output=True,
                                        text=True).stdout.strip())
    print("%-30s %8s %8s %8s %6s %s" % ("variant", "median", "p10", "p90", "tools", "vs node"))
    for name, samples in times.items():
        samples.sort()
        p10 = samples[max(0, len(samples) // 10)]
        p90 = samples[min(len(samples) - 1, (len(samples) * 9) // 10)]
        median = statistics.median(samples)
        ratio = "%.2f" % (median / baseline) if baseline else "-"
        print("%-30s %6.0fms %6.0fms %6.0fms %6d %s" % (name, median, p10, p90,
                                                          tool_counts[name], ratio))
        print("RESULT cold_start variant=%s median_ms=%.0f p90_ms=%.0f ratio_to_node=%s"
              % (SLUGS.get(name, name), median, p90, ratio))
    for name, text in notes.items():
        print("stderr of '%s' (first run): %s" % (name, text.strip().replace("\n", " | ")))


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-node", action="store_true", help="skip the Node baseline")
    parser.add_argument("--first-call", type=float, metavar="SECONDS",
                        help="also time a conversation's first tool call, right after tools/list"
                             " and SECONDS after it (runs the local engine)")
    args = parser.parse_args()
    if not JAR.exists() or not ARCHIVE.exists() or not LAUNCHER.exists():
        sys.exit("build first: ./mvnw -q -pl tenki-mcp-server -am package -DskipTests")
    print("load average at start: %.2f %.2f %.2f" % os.getloadavg())
    variants = {name: (command, {**clean_env(), **extra})
                for name, (command, extra) in java_variants().items()}
    if not args.no_node:
        baseline = node_baseline()
        if baseline:
            variants[NODE_BASELINE] = baseline
    times = {name: [] for name in variants}
    tool_counts = {}
    notes = {}
    for name, (command, env) in variants.items():  # warm the page cache once
        _, _, stderr = one_run(command, env)
        notes[name] = stderr
    for _ in range(args.runs):
        for name, (command, env) in variants.items():
            elapsed, tools, _ = one_run(command, env)
            times[name].append(elapsed)
            tool_counts[name] = tools
    report(times, tool_counts, {STALE: notes[STALE]}, args.runs)
    if args.first_call is not None:
        first_calls([str(LAUNCHER)], clean_env(), args.first_call, max(3, args.runs // 2))
    print("load average at end: %.2f %.2f %.2f" % os.getloadavg())


if __name__ == "__main__":
    main()
