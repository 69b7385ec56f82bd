#!/bin/sh
# Checks the engine launcher as installed elsewhere: copied with the jar into a fresh directory,
# it starts an engine that prints its endpoint and answers a Connect call, with the launcher's
# JVM options and TENKI_ENGINE_JAVA_OPTS on the JVM's command line (the script execs the JVM, so
# the pid it had is the engine's).
#   sh launcher-test.sh TARGET_DIR
set -eu
target=$1
dir=$(mktemp -d)
pid=
cleanup() { # keeps the script's own exit status, not the killed engine's
  status=$?
  if [ -n "$pid" ]; then
    kill "$pid" 2>/dev/null || true
    wait "$pid" 2>/dev/null || true
  fi
  rm -rf "$dir"
  exit "$status"
}
trap cleanup EXIT
cp "$target/tenki-engine" "$target/tenki-engine.jar" "$dir/"
chmod +x "$dir/tenki-engine"
unset JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS || true

fail() { echo "launcher-test: FAIL: $*" >&2; [ -f "$dir/err" ] && cat "$dir/err" >&2; exit 1; }

mkfifo "$dir/out"
TENKI_ENGINE_JAVA_OPTS="-Xmx256m -Dtenki.launcher.test=yes" \
  "$dir/tenki-engine" --port 0 --isolation none --state-dir "$dir/state" >"$dir/out" 2>"$dir/err" &
pid=$!
exec 3<"$dir/out"
line=$(timeout 60 head -n 1 <&3) || fail "no endpoint line within 60 s"
case $line in
  TENKI_API_ENDPOINT=http://127.0.0.1:*) ;;
  *) fail "unexpected first line: $line" ;;
esac
endpoint=${line#TENKI_API_ENDPOINT=}

args=$(tr '\0' ' ' <"/proc/$pid/cmdline")
for want in -XX:TieredStopAtLevel=1 -XX:CompileThresholdScaling=0.1 -Xmx256m \
  -Dtenki.launcher.test=yes "$dir/tenki-engine.jar"; do
  case " $args " in *" $want "*) ;; *) fail "JVM command line lacks $want: $args" ;; esac
done

python3 - "$endpoint" <<'PY' || fail "the engine did not answer ListSessions"
import json, sys, urllib.request
req = urllib.request.Request(
    sys.argv[1] + "/tenki.sandbox.v1.SandboxService/ListSessions",
    data=b"{}",
    headers={"Content-Type": "application/json", "Authorization": "Bearer tk_launcher_test"},
)
with urllib.request.urlopen(req, timeout=30) as r:
    assert r.status == 200, r.status
    json.loads(r.read())
PY
echo "launcher-test: ok"
