#!/bin/sh
# Installs the Node MCP clients the tests drive (run by the Maven build; -DskipNpm skips it).
# Without npm nothing is installed and the tests that need Node report themselves as skipped.
set -eu
dir="$1"
if ! command -v npm >/dev/null 2>&1; then
  echo "npm not found: the Node MCP client tests will be skipped" >&2
  exit 0
fi
cd "$dir"
if [ -f node_modules/.installed-lock ] && cmp -s package-lock.json node_modules/.installed-lock; then
  exit 0
fi
npm ci --no-audit --no-fund --loglevel=error
cp package-lock.json node_modules/.installed-lock
