#!/usr/bin/env python3
"""Cold start of tenki-mcp-server over stdio: process spawn to the tools/list reply.

Each run spawns a fresh server, sends initialize, waits for its answer, sends
notifications/initialized and tools/list, and stops the clock at the tools/list reply,
as an MCP client does. Variants of the Java server (plain, C1-only JIT, AppCDS archive)
run interleaved with the Node baseline, @tenkicloud/mcp, in the same session, and the
report gives medians and ratios to the baseline.

Prerequisite: ./mvnw -q -pl tenki-mcp-server -am package -DskipTests
(the server runs with the test tool source, since the shipped jar has no tools yet).
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
MODULE = ROOT / "tenki-mcp-server"
JAR = MODULE / "target" / "tenki-mcp-server.jar"
TEST_CLASSES = MODULE / "target" / "test-classes"
MAIN = "cloud.tenki.mcp.testing.TestServerMain"
RESULTS = HERE / "results"
ARCHIVE = RESULTS / "tenki-mcp-server.jsa"

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
        message = json.loads(raw)
        if message.get("id") == wanted_id:
            return message
    raise RuntimeError("timed out")


def one_run(command, env):
    start = time.perf_counter()
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL, env=env)
    try:
        deadline = time.monotonic() + 30
        process.stdin.write(line(INITIALIZE))
        process.stdin.flush()
        read_response(process.stdout, 1, deadline)
        process.stdin.write(line(INITIALIZED) + line(LIST))
        process.stdin.flush()
        reply = read_response(process.stdout, 2, deadline)
        elapsed = (time.perf_counter() - start) * 1000
        tools = len(reply["result"]["tools"])
        process.stdin.close()
        process.wait(timeout=30)
        return elapsed, tools
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()


TOOLS_JAR = RESULTS / "test-tools.jar"


def package_test_tools():
    """CDS archives only cover class paths of jars, so the test tool source goes into one."""
    RESULTS.mkdir(exist_ok=True)
    jar = shutil.which("jar") or "jar"
    subprocess.run([jar, "cf", str(TOOLS_JAR), "-C", str(TEST_CLASSES), "cloud/tenki/mcp/testing"],
                   check=True)


def java_command(extra):
    java = shutil.which("java") or "java"
    classpath = os.pathsep.join([str(JAR), str(TOOLS_JAR)])
    return [java, *extra, "-cp", classpath, MAIN]


def train_archive():
    """A dynamic AppCDS archive (JDK 13+) written at exit of one representative session."""
    RESULTS.mkdir(exist_ok=True)
    if ARCHIVE.exists():
        ARCHIVE.unlink()
    command = java_command(["-XX:ArchiveClassesAtExit=" + str(ARCHIVE)])
    process = subprocess.Popen(command, stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                               stderr=subprocess.DEVNULL)
    call = {"jsonrpc": "2.0", "id": 3, "method": "tools/call",
            "params": {"name": "echo", "arguments": {"text": "train"}}}
    process.stdin.write(line(INITIALIZE) + line(INITIALIZED) + line(LIST) + line(call))
    process.stdin.close()
    process.stdout.read()
    process.wait(timeout=60)
    if not ARCHIVE.exists():
        raise RuntimeError("the JVM wrote no archive")


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


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=15)
    parser.add_argument("--no-node", action="store_true", help="skip the Node baseline")
    args = parser.parse_args()
    if not JAR.exists() or not TEST_CLASSES.exists():
        sys.exit("build first: ./mvnw -q -pl tenki-mcp-server -am package -DskipTests")
    package_test_tools()
    train_archive()
    fast_jit = ["-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC"]
    cds = ["-XX:SharedArchiveFile=" + str(ARCHIVE), "-Xshare:auto"]
    variants = {
        "java (defaults)": (java_command([]), None),
        "java C1+SerialGC": (java_command(fast_jit), None),
        "java AppCDS": (java_command(cds), None),
        "java AppCDS+C1+SerialGC": (java_command(cds + fast_jit), None),
    }
    if not args.no_node:
        baseline = node_baseline()
        if baseline:
            variants["@tenkicloud/mcp (node)"] = baseline
    times = {name: [] for name in variants}
    tool_counts = {}
    for name, (command, env) in variants.items():  # warm the page cache once
        one_run(command, env)
    for _ in range(args.runs):
        for name, (command, env) in variants.items():
            elapsed, tools = one_run(command, env)
            times[name].append(elapsed)
            tool_counts[name] = tools
    node_median = statistics.median(times["@tenkicloud/mcp (node)"]) \
        if "@tenkicloud/mcp (node)" in times else None
    java_version = subprocess.run(["java", "-version"], capture_output=True, text=True).stderr
    print("spawn -> tools/list reply over stdio, %d runs each, interleaved" % args.runs)
    print("java: " + java_version.splitlines()[0])
    if node_median:
        node_version = subprocess.run(["node", "--version"], capture_output=True, text=True).stdout
        print("node: " + node_version.strip())
    print("%-26s %8s %8s %8s %6s %s" % ("variant", "median", "p10", "p90", "tools", "vs node"))
    for name, samples in times.items():
        samples.sort()
        p10 = samples[max(0, len(samples) // 10)]
        p90 = samples[min(len(samples) - 1, (len(samples) * 9) // 10)]
        median = statistics.median(samples)
        ratio = "%.2f" % (median / node_median) if node_median else "-"
        print("%-26s %6.0fms %6.0fms %6.0fms %6d %s" % (name, median, p10, p90,
                                                          tool_counts[name], ratio))


if __name__ == "__main__":
    main()
