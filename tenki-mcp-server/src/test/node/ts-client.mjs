// Drives tenki-mcp-server with the official TypeScript MCP client and reports one JSON line per
// check on stdout, then {"done":true,"failed":N}. Exit code 0 only when every check passed.
//   node ts-client.mjs stdio <command> [args...]   (spawns the server)
//   node ts-client.mjs http <url>                  (connects to a running server)
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { LoggingMessageNotificationSchema } from '@modelcontextprotocol/sdk/types.js';

const [mode, ...rest] = process.argv.slice(2);
let failed = 0;

function report(check, ok, detail) {
  if (!ok) failed++;
  console.log(JSON.stringify({ check, ok, detail: detail === undefined ? null : String(detail) }));
}

async function check(name, fn) {
  try {
    const detail = await fn();
    report(name, true, detail);
  } catch (e) {
    report(name, false, e && e.stack ? e.stack : e);
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));

async function waitFor(condition, what, ms = 15000) {
  const deadline = Date.now() + ms;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('timed out waiting for ' + what);
    await sleep(20);
  }
}

let serverStderr = '';
let transport;
if (mode === 'stdio') {
  transport = new StdioClientTransport({ command: rest[0], args: rest.slice(1), stderr: 'pipe' });
  transport.stderr.on('data', (chunk) => { serverStderr += chunk.toString(); });
} else if (mode === 'http') {
  transport = new StreamableHTTPClientTransport(new URL(rest[0]));
} else {
  console.error('usage: ts-client.mjs stdio <command> [args...] | http <url>');
  process.exit(2);
}

const client = new Client({ name: 'ts-sdk-client', version: '1.0.0' });
const logs = [];
client.setNotificationHandler(LoggingMessageNotificationSchema, (n) => logs.push(n.params));

await check('connect', async () => {
  await client.connect(transport);
  expect(client.getServerVersion().name === 'tenki-mcp-server', 'server name');
  expect(client.getServerCapabilities().tools, 'tools capability');
  expect(client.getServerCapabilities().logging, 'logging capability');
  return 'instructions: ' + client.getInstructions();
});

await check('ping', async () => {
  const result = await client.ping();
  expect(result && Object.keys(result).length === 0, 'empty ping result');
});

const tools = [];
await check('tools/list', async () => {
  let cursor;
  do {
    const page = await client.listTools(cursor ? { cursor } : {});
    tools.push(...page.tools);
    cursor = page.nextCursor;
  } while (cursor);
  const names = tools.map((t) => t.name);
  for (const n of ['echo', 'slow', 'image', 'add', 'fail']) expect(names.includes(n), 'missing ' + n);
  const add = tools.find((t) => t.name === 'add');
  expect(add.outputSchema && add.outputSchema.properties.sum, 'add output schema');
  expect(add.annotations.readOnlyHint === true, 'annotations');
  return names.length + ' tools';
});

await check('call echo', async () => {
  const r = await client.callTool({ name: 'echo', arguments: { text: 'hello', repeat: 2 } });
  expect(!r.isError && r.content[0].text === 'hellohello', JSON.stringify(r));
});

await check('call image', async () => {
  const r = await client.callTool({ name: 'image', arguments: {} });
  expect(r.content[0].type === 'image' && r.content[0].mimeType === 'image/png', JSON.stringify(r));
  expect(Buffer.from(r.content[0].data, 'base64').subarray(1, 4).toString() === 'PNG', 'png bytes');
});

await check('call add (structured, validated by the client)', async () => {
  const r = await client.callTool({ name: 'add', arguments: { a: 2, b: 3.5 } });
  expect(r.structuredContent.sum === 5.5, JSON.stringify(r));
});

await check('call fail (tool error)', async () => {
  const r = await client.callTool({ name: 'fail', arguments: { mode: 'result' } });
  expect(r.isError === true, JSON.stringify(r));
});

await check('invalid arguments are a tool error naming the field', async () => {
  const r = await client.callTool({ name: 'echo', arguments: { text: 7 } });
  expect(r.isError === true && r.content[0].text.includes('text'), JSON.stringify(r));
});

await check('unknown tool is a protocol error', async () => {
  try {
    await client.callTool({ name: 'no_such_tool', arguments: {} });
  } catch (e) {
    expect(e.code === -32602, 'code ' + e.code);
    return e.message;
  }
  throw new Error('no error');
});

await check('every test tool answers', async () => {
  const args = { echo: { text: 'x' }, slow: { steps: 1, stepMillis: 1 }, add: { a: 1, b: 1 },
    fail: { mode: 'result' } };
  for (const tool of tools) {
    if (tool.name === 'bad_output') continue; // answers with an error on purpose
    const r = await client.callTool({ name: tool.name, arguments: args[tool.name] || {} });
    expect(Array.isArray(r.content) && r.content.length > 0, tool.name + ': ' + JSON.stringify(r));
  }
});

await check('progress', async () => {
  const seen = [];
  const r = await client.callTool({ name: 'slow', arguments: { steps: 4, stepMillis: 20 } },
    undefined, { onprogress: (p) => seen.push(p) });
  expect(r.content[0].text === 'slow finished 4 steps', JSON.stringify(r));
  expect(seen.length === 4, 'progress count ' + seen.length);
  expect(seen[3].message === 'step 4 of 4', JSON.stringify(seen));
});

await check('logging', async () => {
  await client.setLoggingLevel('debug');
  const before = logs.length;
  await client.callTool({ name: 'test_tool_with_logging', arguments: {} });
  await waitFor(() => logs.length - before >= 3, 'log messages');
  expect(logs[before].level === 'info' && logs[before].data === 'Tool execution started',
    JSON.stringify(logs));
});

await check('cancellation', async () => {
  const controller = new AbortController();
  let progress = 0;
  const call = client.callTool({ name: 'slow', arguments: { steps: 10000, stepMillis: 20 } },
    undefined, {
      signal: controller.signal,
      onprogress: () => { if (++progress === 2) controller.abort('user stopped it'); },
    });
  let rejected = false;
  try {
    await call;
  } catch (e) {
    rejected = true;
  }
  expect(rejected, 'the call was not aborted');
  const pong = await client.ping();
  expect(pong !== undefined, 'server still answers');
  if (mode === 'stdio') {
    await waitFor(() => serverStderr.includes('test-tools: cancelled slow'), 'server-side cancel');
  }
});

await check('close', async () => {
  if (mode === 'http') {
    await transport.terminateSession();
  }
  await client.close();
  if (mode === 'stdio') {
    await waitFor(() => serverStderr.includes('test-tools: closed'), 'server shutdown');
    expect(serverStderr.includes('test-tools: conversation ended'), 'conversation ended');
  }
});

console.log(JSON.stringify({ done: true, failed }));
process.exit(failed === 0 ? 0 : 1);
