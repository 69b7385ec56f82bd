#!/bin/sh
# Checks the launcher as installed elsewhere: copied with the jar into a fresh directory (so the
# archive from the build does not fit), it answers an MCP session with nothing but JSON-RPC on
# stdout, writes a fitting archive and key in the background, and answers again with it.
# TENKI_MCP_CDS=off and a damaged archive must not break start-up either.
#   sh launcher-test.sh TARGET_DIR
set -eu
target=$1
dir=$(mktemp -d)
trap 'rm -rf "$dir"' EXIT
cp "$target/tenki-mcp-server" "$target/tenki-mcp-server.jar" "$dir/"
chmod +x "$dir/tenki-mcp-server"
unset TENKI_MCP_CDS JAVA_TOOL_OPTIONS JDK_JAVA_OPTIONS || true

fail() { echo "launcher-test: FAIL: $*" >&2; exit 1; }

session() { # $1: label; runs initialize + tools/list, checks every stdout line is JSON-RPC
  printf '%s\n' \
    '{"jsonrpc":"2.0","id":1,"method":"initialize","params":{"protocolVersion":"2025-11-25","capabilities":{},"clientInfo":{"name":"t","version":"1"}}}' \
    '{"jsonrpc":"2.0","method":"notifications/initialized"}' \
    '{"jsonrpc":"2.0","id":2,"method":"tools/list","params":{}}' |
    "$dir/tenki-mcp-server" >"$dir/out" 2>"$dir/err" || fail "$1: exit $? ($(cat "$dir/err"))"
  python3 - "$dir/out" "$1" <<'PY' || fail "$1: stdout: $(head -c 300 "$dir/out")"
import json, sys
lines = open(sys.argv[1]).read().splitlines()
messages = [json.loads(l) for l in lines]
assert all(m.get("jsonrpc") == "2.0" for m in messages), "not JSON-RPC"
tools = [m for m in messages if m.get("id") == 2][0]["result"]["tools"]
assert any(t["name"] == "run_command" for t in tools), "no run_command"
PY
}

session "no archive yet"
deadline=$(($(date +%s) + 120))
until [ -f "$dir/tenki-mcp-server.jsa" ] && [ -f "$dir/tenki-mcp-server.jsa.key" ]; do
  [ "$(date +%s)" -lt "$deadline" ] || fail "no archive written in the background"
  sleep 0.2
done
grep -qF "$dir/tenki-mcp-server.jar" "$dir/tenki-mcp-server.jsa.key" || fail "key names another jar"
session "with the archive"
grep -q "warning" "$dir/err" && fail "a JVM warning with a fitting archive: $(cat "$dir/err")"
TENKI_MCP_CDS=off session "TENKI_MCP_CDS=off"
# a damaged archive that still looks fresh: the JVM must refuse it quietly (stderr only)
chmod u+w "$dir/tenki-mcp-server.jsa"
printf 'garbage' >"$dir/tenki-mcp-server.jsa"
session "damaged archive"
echo "launcher-test: ok"
