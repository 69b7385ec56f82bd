#!/usr/bin/env bash
# MCP server benchmarks against one standalone local engine, started by its launcher (as root,
# with bubblewrap):
# run_command "echo hi" latency through tenki-mcp-server (stdio, its launcher) next to the bare
# SDK exec and to @tenkicloud/mcp's tenki_exec, interleaved; then 1 GiB of stdout through
# run_command with the server's resident-memory growth.
#   benchmarks/run-mcp-benchmark.sh [--calls 300] [--warmup 50] [--gap-ms 0] [--stream-bytes 1073741824 (0: skip)]
# --gap-ms N pauses N ms before each measured call, so one call does not run while the previous
# one's after-effects (the engine refilling a prepared launch) still use the CPU.
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file="$PWD/benchmarks/target/mcp-classpath.txt"
./mvnw -q -pl tenki-engine,tenki-mcp-server,benchmarks -am package dependency:build-classpath \
  -DskipTests -DskipNpm -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime
node_dir=benchmarks/mcp-cold-start
[ -d "$node_dir/node_modules/@tenkicloud/mcp" ] || (cd "$node_dir" && npm ci --silent)
exec java -Xmx512m -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "benchmarks/target/classes:$(cat "$cp_file")" \
  cloud.tenki.benchmarks.mcp.McpToolCallBenchmark \
  --engine tenki-engine/target/tenki-engine \
  --server tenki-mcp-server/target/tenki-mcp-server \
  --node-mcp "$node_dir/node_modules/@tenkicloud/mcp/dist/index.js" "$@"
