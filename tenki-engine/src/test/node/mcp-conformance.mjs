// Runs Tenki's own MCP server (@tenkicloud/mcp, unchanged) against the local engine over stdio,
// driven by the official MCP TypeScript SDK client. The server speaks Connect JSON over HTTP/1.1
// to TENKI_API_ENDPOINT. Prints one line per check and finally "N passed, N failed".
import { Client } from "@modelcontextprotocol/sdk/client/index.js";
import { StdioClientTransport } from "@modelcontextprotocol/sdk/client/stdio.js";
import { createRequire } from "node:module";
import path from "node:path";

const require = createRequire(import.meta.url);
const serverMain = path.join(path.dirname(require.resolve("@tenkicloud/mcp/package.json")), "dist", "index.js");

let passed = 0;
let failed = 0;
async function check(name, fn) {
  try {
    await fn();
    passed++;
    console.log(`ok   ${name}`);
  } catch (err) {
    failed++;
    console.log(`FAIL ${name}: ${err && err.stack ? err.stack : err}`);
  }
}
function expect(cond, message) {
  if (!cond) throw new Error(message);
}
function payload(result) {
  expect(!result.isError, `tool error: ${JSON.stringify(result.content)}`);
  if (result.structuredContent) return result.structuredContent;
  const text = result.content.find((c) => c.type === "text");
  return JSON.parse(text.text);
}

const transport = new StdioClientTransport({
  command: process.execPath,
  args: [serverMain],
  env: {
    PATH: process.env.PATH,
    TENKI_API_ENDPOINT: process.env.TENKI_API_ENDPOINT,
    TENKI_API_KEY: process.env.TENKI_AUTH_TOKEN,
  },
  stderr: "inherit",
});
const client = new Client({ name: "tenki-engine-conformance", version: "0.0.0" });
await client.connect(transport);
const call = (name, args) => client.callTool({ name, arguments: args });

let sessionId;
await check("tools are listed", async () => {
  const { tools } = await client.listTools();
  for (const t of ["tenki_create_sandbox", "tenki_exec", "tenki_read_file", "tenki_write_file"]) {
    expect(tools.some((x) => x.name === t), `missing ${t}`);
  }
});

await check("tenki_create_sandbox", async () => {
  const r = payload(await call("tenki_create_sandbox", { name: "mcp-conformance", max_duration_seconds: 600 }));
  sessionId = r.session.id;
  expect(sessionId, `no session id in ${JSON.stringify(r)}`);
  expect(String(r.session.state).includes("RUNNING"), `state ${r.session.state}`);
  expect(/^http:\/\//.test(r.dataPlaneEndpoint), `endpoint ${r.dataPlaneEndpoint}`);
});

if (sessionId) {
  await check("tenki_write_file and tenki_read_file", async () => {
    payload(await call("tenki_write_file", { session_id: sessionId, path: "/home/tenki/notes/hello.txt", content: "héllo from mcp\n" }));
    const r = payload(await call("tenki_read_file", { session_id: sessionId, path: "/home/tenki/notes/hello.txt" }));
    expect(r.content === "héllo from mcp\n", `content ${JSON.stringify(r.content)}`);
  });

  await check("tenki_exec captures stdout, stderr and the exit code", async () => {
    const r = payload(
      await call("tenki_exec", {
        session_id: sessionId,
        command: "sh",
        args: ["-c", "cat notes/hello.txt; echo oops >&2; echo $GREETING; exit 3"],
        env: { GREETING: "hi" },
      }),
    );
    expect(r.exitCode === 3, `exit ${r.exitCode}`);
    expect(r.stdout === "héllo from mcp\nhi\n", `stdout ${JSON.stringify(r.stdout)}`);
    expect(r.stderr === "oops\n", `stderr ${JSON.stringify(r.stderr)}`);
  });

  await check("tenki_exec with a large output gets a preview", async () => {
    const r = payload(
      await call("tenki_exec", { session_id: sessionId, command: "sh", args: ["-c", "seq 1 100000"], max_output_bytes: 4096 }),
    );
    expect(r.exitCode === 0, `exit ${r.exitCode}`);
    expect(r.stdoutTruncated === true, `truncated ${r.stdoutTruncated}`);
    expect(r.stdout.startsWith("1\n2\n"), `head ${JSON.stringify(r.stdout.slice(0, 10))}`);
  });

  await check("tenki_terminate_sandbox", async () => {
    const r = payload(await call("tenki_terminate_sandbox", { session_id: sessionId }));
    expect(String(r.session.state).includes("TERMINATED"), `state ${r.session.state}`);
  });
}

await check("tenki_run_code runs python in a fresh sandbox", async () => {
  const r = payload(await call("tenki_run_code", { language: "python", code: "print(6 * 7)" }));
  expect(r.exitCode === 0, `exit ${r.exitCode}: ${r.stderr}`);
  expect(r.stdout === "42\n", `stdout ${JSON.stringify(r.stdout)}`);
});

await client.close();
console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
