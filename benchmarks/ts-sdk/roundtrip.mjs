// Round trip of run(["true"]) through the official TypeScript SDK against TENKI_API_ENDPOINT.
//
// Two modes:
// - default: WARMUP calls, then ROUND_TRIPS timed calls; prints percentiles and a RESULT line.
// - BATCHED=1: creates the sandbox, warms up, prints "ready", then for every line N read from
//   stdin runs N timed calls and prints "batch <ms> <ms> ..." (one duration per call). An empty
//   line or EOF ends it. SdkBenchmark uses this to interleave TypeScript batches with Java
//   batches in one run, so machine load hits both alike.
import { TenkiSandbox } from "@tenkicloud/sandbox";
import { createInterface } from "node:readline";

const n = Number(process.env.ROUND_TRIPS ?? 500);
const warmup = Number(process.env.WARMUP ?? 100);

const pct = (sorted, p) => sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1))];

async function timed(session, count) {
  const ms = [];
  for (let i = 0; i < count; i++) {
    const t0 = process.hrtime.bigint();
    const r = await session.run(["true"]);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.exitCode !== 0) throw new Error(`run failed: ${r.exitCode}`);
  }
  return ms;
}

const sandbox = new TenkiSandbox();
const session = await sandbox.create({ name: "bench-ts" });
try {
  await timed(session, warmup);
  if (process.env.BATCHED === "1") {
    console.log("ready");
    for await (const line of createInterface({ input: process.stdin })) {
      const count = Number(line.trim());
      if (!count) break;
      const ms = await timed(session, count);
      console.log("batch " + ms.map((m) => m.toFixed(4)).join(" "));
    }
  } else {
    const ms = (await timed(session, n)).sort((a, b) => a - b);
    const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
    console.log(`exec("true") round trip, TypeScript SDK: n=${n} p50=${pct(ms, 0.5).toFixed(3)} ms p99=${pct(ms, 0.99).toFixed(3)} ms mean=${mean.toFixed(3)} ms`);
    console.log(`RESULT ts_roundtrip_p50_ms=${pct(ms, 0.5).toFixed(3)} ts_roundtrip_p99_ms=${pct(ms, 0.99).toFixed(3)}`);
  }
} finally {
  await session.close();
}
