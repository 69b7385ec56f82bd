#!/usr/bin/env bash
# SDK benchmarks: exec("true") round trip and 1 GiB stdout streaming through the Java SDK,
# each next to a raw-gRPC baseline measured in the same run.
#   benchmarks/run-sdk-benchmark.sh                       # against the fake services on 127.0.0.1
#   benchmarks/run-sdk-benchmark.sh --endpoint URL [--token T] [--round-trips N] [--stream-bytes B]
set -euo pipefail
cd "$(dirname "$0")/.."
cp_file="$PWD/benchmarks/target/sdk-classpath.txt"
./mvnw -q -pl benchmarks -am package dependency:build-classpath -DskipTests \
  -Dmdep.outputFile="$cp_file" -Dmdep.includeScope=runtime >/dev/null
exec java -Xmx${TENKI_BENCH_XMX:-256m} -cp "benchmarks/target/classes:$(cat "$cp_file")" \
  cloud.tenki.benchmarks.core.SdkBenchmark "$@"
