// Conformance of the local engine with the official Tenki TypeScript SDK, used unchanged.
// Configuration is the SDK's own: TENKI_API_ENDPOINT (the engine's http:// endpoint) and
// TENKI_AUTH_TOKEN (any tk_ token when the engine has none configured).
// Prints one line per check and finally "N passed, N failed".
import crypto from "node:crypto";
import { TenkiSandbox } from "@tenkicloud/sandbox";

let passed = 0;
let failed = 0;
const text = (b) => new TextDecoder().decode(b);

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

const client = new TenkiSandbox();
let session;

await check("create waits until running", async () => {
  session = await client.create({ cpuCores: 1, memoryMb: 1024, diskSizeGb: 5, tags: ["conformance"] });
  expect(session.state === "RUNNING", `state ${session.state}`);
  expect(session.id, "no id");
});

if (session) {
  await check("run echo", async () => {
    const r = await session.run(["echo", "hello"]);
    expect(r.exitCode === 0, `exit ${r.exitCode}`);
    expect(text(r.stdout) === "hello\n", `stdout ${JSON.stringify(text(r.stdout))}`);
  });

  await check("run with stdin", async () => {
    const stdin = new ReadableStream({
      start(c) {
        c.enqueue(new TextEncoder().encode("line one\nline two\n"));
        c.close();
      },
    });
    const r = await session.run(["wc", "-l"], { stdin });
    expect(r.exitCode === 0, `exit ${r.exitCode}`);
    expect(text(r.stdout).trim() === "2", `stdout ${JSON.stringify(text(r.stdout))}`);
  });

  await check("run reports non-zero exit and stderr", async () => {
    const r = await session.run(["sh", "-c", "echo oops >&2; exit 3"]);
    expect(r.exitCode === 3, `exit ${r.exitCode}`);
    expect(text(r.stderr) === "oops\n", `stderr ${JSON.stringify(text(r.stderr))}`);
  });

  await check("run with cwd and env", async () => {
    await session.fs.mkdir("/home/tenki/work");
    const r = await session.run(["sh", "-c", "pwd; echo $GREETING"], { cwd: "work", env: { GREETING: "hi" } });
    expect(text(r.stdout) === "/home/tenki/work\nhi\n", `stdout ${JSON.stringify(text(r.stdout))}`);
  });

  await check("exec (legacy helper over Run)", async () => {
    const r = await session.exec("uname", { args: ["-s"] });
    expect(r.status === "SUCCEEDED", `status ${r.status}`);
    expect(text(r.stdout).trim() === "Linux", `stdout ${text(r.stdout)}`);
  });

  await check("signal kills a running process", async () => {
    const proc = session.run(["sleep", "30"]);
    await proc.pid;
    await proc.kill();
    const r = await proc;
    expect(r.signal === "SIGKILL", `signal ${r.signal} exit ${r.exitCode}`);
  });

  await check("write and read a file", async () => {
    await session.writeFile("/tmp/conf.json", '{"key":"value"}');
    const data = await session.readFile("/tmp/conf.json");
    expect(text(data) === '{"key":"value"}', `content ${text(data)}`);
  });

  await check("stat a file", async () => {
    const st = await session.fs.stat("/tmp/conf.json");
    expect(!st.isDir && Number(st.size) === 15, `stat ${JSON.stringify({ isDir: st.isDir, size: String(st.size) })}`);
  });

  await check("list a directory", async () => {
    await session.writeFile("/home/tenki/work/a.txt", "a");
    const entries = await session.fs.list("/home/tenki/work");
    expect(entries.map((e) => e.path).join(",") === "a.txt", `entries ${entries.map((e) => e.path)}`);
  });

  await check("stream a file in and out", async () => {
    const big = new Uint8Array(300000).map((_, i) => i % 251);
    await session.writeFileStream("/home/tenki/big.bin", new ReadableStream({
      start(c) { c.enqueue(big.subarray(0, 100000)); c.enqueue(big.subarray(100000)); c.close(); },
    }));
    const reader = (await session.readFileStream("/home/tenki/big.bin", { chunkBytes: 65536 })).getReader();
    const parts = [];
    for (;;) { const { done, value } = await reader.read(); if (done) break; parts.push(value); }
    const total = parts.reduce((n, p) => n + p.byteLength, 0);
    expect(total === big.length, `read ${total} bytes`);
    let i = 0; for (const p of parts) for (const b of p) { if (b !== big[i]) throw new Error(`byte ${i}`); i++; }
  });

  await check("remove a directory tree", async () => {
    await session.fs.remove("/home/tenki/work");
    let missing = false;
    try { await session.fs.stat("/home/tenki/work"); } catch (e) { missing = e.name === "FileNotFoundError"; }
    expect(missing, "still there");
  });

  let exposed;
  await check("exposePort gives a preview URL that fetch reaches", async () => {
    await session.run([
      "sh",
      "-c",
      "mkdir -p www && echo from-the-sandbox > www/index.html && cd www && " +
        "(python3 -m http.server 8123 --bind 127.0.0.1 >/dev/null 2>&1 &)",
    ]);
    exposed = await session.exposePort(8123, { ttlMs: 10 * 60 * 1000 });
    expect(exposed.port === 8123, `port ${exposed.port}`);
    expect(/^http:\/\//.test(exposed.previewUrl), `url ${exposed.previewUrl}`);
    expect(exposed.expiresAt instanceof Date, `expiresAt ${exposed.expiresAt}`);
    const deadline = Date.now() + 20000;
    let res;
    // the server in the sandbox may still be starting (502 until it listens)
    do {
      res = await fetch(new URL("index.html", exposed.previewUrl));
      if (res.status === 502) await new Promise((r) => setTimeout(r, 100));
    } while (res.status === 502 && Date.now() < deadline);
    expect(res.status === 200, `status ${res.status}`);
    const body = await res.text();
    expect(body === "from-the-sandbox\n", `body ${JSON.stringify(body)}`);
  });

  await check("listExposedPorts and unexposePort", async () => {
    const ports = await session.listExposedPorts();
    expect(ports.some((p) => p.port === 8123 && p.previewUrl === exposed.previewUrl), JSON.stringify(ports));
    await session.unexposePort(8123);
    const after = await session.listExposedPorts();
    expect(!after.some((p) => p.port === 8123), JSON.stringify(after));
  });

  await check("issueSandboxSSHCert signs an ed25519 key for tenki", async () => {
    const { publicKey } = crypto.generateKeyPairSync("ed25519");
    const raw = publicKey.export({ format: "der", type: "spki" }).subarray(-32);
    const str = (b) => Buffer.concat([Buffer.from([0, 0, 0, b.length]), b]);
    const line = "ssh-ed25519 " + Buffer.concat([str(Buffer.from("ssh-ed25519")), str(raw)]).toString("base64");
    const cert = await client.issueSandboxSSHCert(session.id, line, { ttlMs: 10 * 60 * 1000 });
    expect(cert.sshCert.startsWith("ssh-ed25519-cert-v01@openssh.com "), cert.sshCert.slice(0, 40));
    expect(cert.caPub.startsWith("ecdsa-sha2-nistp256 "), cert.caPub.slice(0, 30));
    expect(/^[0-9a-f]+$/.test(cert.certSerial), `serial ${cert.certSerial}`);
    expect(cert.expiresAt instanceof Date && cert.expiresAt > new Date(), `expiresAt ${cert.expiresAt}`);
  });

  await check("ssh() carries SSH bytes through the gateway", async () => {
    const conn = await session.ssh();
    try {
      await conn.write(new TextEncoder().encode("SSH-2.0-Conformance_1.0\r\n"));
      let got = "";
      while (!got.includes("\n")) {
        const chunk = await conn.read();
        if (chunk === null) break;
        got += new TextDecoder().decode(chunk);
      }
      expect(got.startsWith("SSH-2.0-"), `banner ${JSON.stringify(got)}`);
    } finally {
      conn.close();
    }
  });

  await check("extend moves timeout_at", async () => {
    const before = session.timeoutAt.getTime();
    await session.extend(10 * 60 * 1000);
    expect(session.timeoutAt.getTime() - before >= 10 * 60 * 1000 - 1000, `moved ${session.timeoutAt.getTime() - before}`);
  });

  await check("pause stops processes and keeps files", async () => {
    await session.writeFile("/home/tenki/kept.txt", "still here");
    await session.pause();
    expect(session.state === "PAUSED", `state ${session.state}`);
  });

  await check("run in a paused sandbox is refused with the state", async () => {
    let msg = "";
    try { await session.run(["true"]); } catch (e) { msg = String(e.message); }
    expect(/PAUSED/.test(msg), `message ${msg}`);
  });

  await check("resume brings files back", async () => {
    await session.resume();
    expect(session.state === "RUNNING", `state ${session.state}`);
    const data = await session.readFile("/home/tenki/kept.txt");
    expect(text(data) === "still here", `content ${text(data)}`);
  });

  await check("list sessions by tag", async () => {
    const all = await client.list({ tags: ["conformance"] });
    expect(all.some((s) => s.id === session.id), "session not listed");
  });

  await check("close terminates", async () => {
    await session.close();
    const again = await client.get(session.id);
    expect(again.state === "TERMINATED", `state ${again.state}`);
  });
}

console.log(`${passed} passed, ${failed} failed`);
process.exit(failed === 0 ? 0 : 1);
