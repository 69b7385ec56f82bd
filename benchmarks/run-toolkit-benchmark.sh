#!/usr/bin/env bash
# Agent toolkit benchmarks: run_command overhead over the bare SDK exec (interleaved, same backend)
# and 1 GiB of stdout through run_command with a 16 KiB budget (retained heap growth).
#   benchmarks/run-toolkit-benchmark.sh                   # local engine inside the benchmark JVM
#   benchmarks/run-toolkit-benchmark.sh --endpoint URL [--token T] [--calls N] [--stream-bytes B]
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file="$PWD/benchmarks/target/toolkit-classpath.txt"
./mvnw -q -pl benchmarks -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >/dev/null
exec java -Xmx${TENKI_BENCH_XMX:-512m} -Dorg.slf4j.simpleLogger.defaultLogLevel=warn \
  -cp "benchmarks/target/classes:$(cat "$cp_file")" \
  cloud.tenki.benchmarks.toolkit.ToolkitBenchmark "$@"
