// Round trip of run(["true"]) through the official TypeScript SDK against TENKI_API_ENDPOINT.
// Prints percentiles and a RESULT line that SdkBenchmark (or a script) parses.
import { TenkiSandbox } from "@tenkicloud/sandbox";

const n = Number(process.env.ROUND_TRIPS ?? 500);
const warmup = Number(process.env.WARMUP ?? 100);

const pct = (sorted, p) => sorted[Math.max(0, Math.min(sorted.length - 1, Math.ceil(p * sorted.length) - 1))];

const sandbox = new TenkiSandbox();
const session = await sandbox.create({ name: "bench-ts" });
try {
  for (let i = 0; i < warmup; i++) {
    const r = await session.run(["true"]);
    if (r.exitCode !== 0) throw new Error(`warm-up run failed: ${r.exitCode}`);
  }
  const ms = [];
  for (let i = 0; i < n; i++) {
    const t0 = process.hrtime.bigint();
    const r = await session.run(["true"]);
    ms.push(Number(process.hrtime.bigint() - t0) / 1e6);
    if (r.exitCode !== 0) throw new Error(`run failed: ${r.exitCode}`);
  }
  ms.sort((a, b) => a - b);
  const mean = ms.reduce((a, b) => a + b, 0) / ms.length;
  console.log(`exec("true") round trip, TypeScript SDK: n=${n} p50=${pct(ms, 0.5).toFixed(3)} ms p99=${pct(ms, 0.99).toFixed(3)} ms mean=${mean.toFixed(3)} ms`);
  console.log(`RESULT ts_roundtrip_p50_ms=${pct(ms, 0.5).toFixed(3)} ts_roundtrip_p99_ms=${pct(ms, 0.99).toFixed(3)}`);
} finally {
  await session.close();
}
