#!/usr/bin/env sh
# Registers the Tenki MCP server with Claude Code. Replace the launcher path; without TENKI_API_KEY the
# server runs sandboxes in its embedded local engine (add --env TENKI_API_KEY=tk_... to use Tenki
# Cloud).
set -eu

# stdio: Claude Code starts the server
claude mcp add tenki -- /opt/tenki/tenki-mcp-server

# Streamable HTTP: a server you started with --http (and TENKI_MCP_HTTP_TOKEN set)
claude mcp add --transport http tenki-http http://127.0.0.1:8765/mcp --header "Authorization: Bearer $TENKI_MCP_HTTP_TOKEN"
