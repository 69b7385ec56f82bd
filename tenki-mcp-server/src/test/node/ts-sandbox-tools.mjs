// Drives the shipped tenki-mcp-server (real sandbox tools on the embedded local engine) with the
// official TypeScript MCP client over stdio, or over Streamable HTTP when the first argument is
// the server's URL. One JSON line per check on stdout, then
// {"done":true,"failed":N}. The client validates every structuredContent against the tool's
// outputSchema, so each successful call also checks the toolkit's schemas.
//   node ts-sandbox-tools.mjs <command> [args...]
//   node ts-sandbox-tools.mjs http://127.0.0.1:PORT/mcp      (TENKI_MCP_HTTP_TOKEN: bearer token)
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';

const [command, ...args] = process.argv.slice(2);
let failed = 0;

function report(check, ok, detail) {
  if (!ok) failed++;
  console.log(JSON.stringify({ check, ok, detail: detail === undefined ? null : String(detail) }));
}

async function check(name, fn) {
  try {
    report(name, true, await fn());
  } catch (e) {
    report(name, false, e && e.stack ? e.stack : e);
  }
}

function expect(condition, message) {
  if (!condition) throw new Error(message);
}

const sleep = (ms) => new Promise((r) => setTimeout(r, ms));
const text = (result) => result.content.filter((c) => c.type === 'text').map((c) => c.text).join('');

let serverStderr = '';
let transport;
if (/^https?:\/\//.test(command)) {
  const token = process.env.TENKI_MCP_HTTP_TOKEN;
  const requestInit = token ? { headers: { Authorization: 'Bearer ' + token } } : undefined;
  transport = new StreamableHTTPClientTransport(new URL(command), { requestInit });
} else {
  transport = new StdioClientTransport({ command, args, stderr: 'pipe' });
  transport.stderr.on('data', (chunk) => { serverStderr += chunk.toString(); });
}
const client = new Client({ name: 'ts-sandbox-tools', version: '1.0.0' });

async function call(name, argumentsObject, options) {
  return client.callTool({ name, arguments: argumentsObject }, undefined, options);
}

async function ok(name, argumentsObject, options) {
  const result = await call(name, argumentsObject, options);
  expect(!result.isError, name + ' failed: ' + text(result));
  return result;
}

await check('connect', async () => {
  await client.connect(transport);
  expect(client.getInstructions().includes('/home/tenki'), 'instructions teach the sandbox');
});

await check('tools/list', async () => {
  const { tools } = await client.listTools();
  const names = tools.map((t) => t.name);
  for (const n of ['run_code', 'run_command', 'read_process_output', 'stop_process', 'read_file',
    'write_file', 'edit_file', 'list_files', 'expose_port', 'sandbox_status', 'extend_sandbox',
    'restart_sandbox']) {
    expect(names.includes(n), 'missing ' + n);
  }
  for (const t of tools) expect(t.outputSchema && t.outputSchema.type === 'object', t.name + ' outputSchema');
  return names.join(',');
});

await check('write, edit, read and list files', async () => {
  await ok('write_file', { path: 'app/config.txt', content: 'mode=dev\nport=1\n' });
  const edited = await ok('edit_file', { path: 'app/config.txt', old_text: 'mode=dev', new_text: 'mode=prod' });
  expect(edited.structuredContent.replacements === 1, 'one replacement');
  const read = await ok('read_file', { path: 'app/config.txt' });
  expect(read.structuredContent.content === 'mode=prod\nport=1\n', 'content: ' + read.structuredContent.content);
  const listed = await ok('list_files', { path: 'app' });
  expect(listed.structuredContent.entries.some((e) => e.path.endsWith('config.txt')), 'listed');
});

await check('run_command streams progress and keeps stdout and stderr apart', async () => {
  const progress = [];
  const result = await ok('run_command', { command: 'for i in 1 2 3; do echo out-$i; echo err-$i >&2; sleep 0.1; done; exit 4' },
    { onprogress: (p) => progress.push(p.message || '') });
  expect(result.structuredContent.exit_code === 4, 'exit code');
  expect(result.structuredContent.stdout === 'out-1\nout-2\nout-3\n', 'stdout');
  expect(result.structuredContent.stderr === 'err-1\nerr-2\nerr-3\n', 'stderr');
  expect(progress.join('').includes('out-2'), 'progress carried output: ' + JSON.stringify(progress));
});

await check('run_code python', async () => {
  const result = await ok('run_code', { language: 'python', code: 'import sys\nprint(sum(range(10)))\nprint("warn", file=sys.stderr)' });
  expect(result.structuredContent.stdout === '45\n', 'stdout ' + result.structuredContent.stdout);
  expect(result.structuredContent.stderr === 'warn\n', 'stderr');
});

await check('background process: start, read output, stop', async () => {
  const started = await ok('run_command', { command: 'for i in $(seq 1 1000); do echo tick-$i; sleep 0.05; done', background: true });
  const id = started.structuredContent.process_id;
  expect(id, 'process_id');
  const output = await ok('read_process_output', { process_id: id, wait_seconds: 2 });
  const seen = (started.structuredContent.stdout || '') + output.structuredContent.stdout;
  expect(seen.includes('tick-1\n'), 'start and first read: ' + seen);
  expect(/tick-\d+/.test(output.structuredContent.stdout), 'new output: ' + output.structuredContent.stdout);
  expect(output.structuredContent.running === true, 'still running');
  const stopped = await ok('stop_process', { process_id: id });
  expect(stopped.structuredContent.running === false, 'stopped');
});

await check('sandbox_status and extend_sandbox', async () => {
  const status = await ok('sandbox_status', {});
  expect(status.structuredContent.state, 'state');
  const before = status.structuredContent.time_left_seconds;
  const extended = await ok('extend_sandbox', { minutes: 5 });
  expect(extended.structuredContent.time_left_seconds > before, 'more time: ' + before + ' -> ' + extended.structuredContent.time_left_seconds);
});

await check('expose_port says when nothing listens', async () => {
  const result = await call('expose_port', { port: 8999 });
  expect(result.isError, 'error result');
  expect(text(result).includes('8999'), 'names the port: ' + text(result));
});

await check('invalid arguments are a tool error naming the field', async () => {
  const result = await call('read_file', { path: 'x', start_line: 'first' });
  expect(result.isError, 'isError');
  expect(text(result).includes('start_line'), 'names the field: ' + text(result));
});

await check('cancellation kills the command', async () => {
  const controller = new AbortController();
  const pending = call('run_command', { command: 'echo $$ > victim.pid; exec sleep 60' }, { signal: controller.signal });
  const deadline = Date.now() + 30000;
  for (;;) {
    const r = await ok('run_command', { command: 'test -s victim.pid && echo yes || echo no' });
    if (r.structuredContent.stdout.startsWith('yes')) break;
    expect(Date.now() < deadline, 'command started');
    await sleep(100);
  }
  controller.abort();
  await pending.then(() => { throw new Error('call resolved after abort'); }, () => {});
  for (;;) {
    const r = await ok('run_command', { command: 'kill -0 $(cat victim.pid) 2>/dev/null && echo alive || echo gone' });
    if (r.structuredContent.stdout.startsWith('gone')) break;
    expect(Date.now() < deadline, 'process killed');
    await sleep(100);
  }
});

await check('restart_sandbox ends every process and keeps the files', async () => {
  await ok('write_file', { path: 'kept.txt', content: 'still here' });
  const started = await ok('run_command', { command: 'sleep 300', background: true });
  const id = started.structuredContent.process_id;
  await ok('run_command', { command: 'nohup sleep 301 >/dev/null 2>&1 &' });
  const restarted = await ok('restart_sandbox', {});
  expect(restarted.structuredContent.state === 'running', 'running: ' + text(restarted));
  const after = await ok('run_command', { command: "cat kept.txt; echo; ps -e -o comm= | grep -c '^sleep$'" });
  expect(after.structuredContent.stdout === 'still here\n0\n', 'files kept, no sleep left: ' + after.structuredContent.stdout);
  const read = await ok('read_process_output', { process_id: id });
  expect(read.structuredContent.running === false, 'background process ended');
});

await check('close', async () => {
  await client.close();
});

console.log(JSON.stringify({ done: true, failed, stderrTail: failed ? serverStderr.slice(-2000) : '' }));
process.exit(failed === 0 ? 0 : 1);
