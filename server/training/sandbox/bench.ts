/**
 * Throughput of the formatting sandbox: `npx tsx server/training/sandbox/bench.ts [calls]`.
 * A trivial function on a realistic ~1 KB Argilla sample, one sandbox reused for every call
 * (what the CLI does, in batches of 256 records per round trip to the worker), plus the cost of
 * creating a sandbox, and of a preview page of 20 records with and without the sandbox cache.
 */
import { createFormattingSandbox, type FormattingInput } from "./index";

export const BENCH_SAMPLE = {
  id: "b3f1c2de-4a5b-4c6d-8e9f-0a1b2c3d4e5f",
  text: "The battery life on this laptop is excellent and the screen is bright, but the keyboard feels cheap. ".repeat(6),
  context: "Customer review collected from the product page in March.",
  label: "positive",
  rating: 4,
  "quality-suggestion": { value: 3, score: 0.82, agent: "gpt-4" },
  metadata: { source: "web", language: "en", length: 412, tags: ["electronics", "laptop", "review"] },
};

const TRIVIAL = `function formatting_func(sample) {
  return [sample.text, sample.label];
}`;

const BATCH = 256;

function percentile(values: number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))]!;
}

async function main(): Promise<void> {
  const calls = Number(process.argv[2] ?? 50_000);
  console.log(`sample: ${JSON.stringify(BENCH_SAMPLE).length} bytes of JSON`);

  let started = performance.now();
  const sandbox = await createFormattingSandbox(TRIVIAL);
  console.log(`create sandbox (first, includes the worker's start-up): ${(performance.now() - started).toFixed(1)} ms`);
  started = performance.now();
  const second = await createFormattingSandbox(TRIVIAL);
  console.log(`create sandbox (warm): ${(performance.now() - started).toFixed(1)} ms`);
  second.dispose();

  const batch: FormattingInput[] = Array.from({ length: BATCH }, (_, i) => ({ sample: BENCH_SAMPLE, recordLabel: `Record #${i}` }));
  for (let i = 0; i < 8; i++) await sandbox.callMany(batch);
  // Rounds of ~1,000 calls: the best round shows the sandbox's own cost even on a busy machine,
  // the median what a run actually got.
  const rates: number[] = [];
  for (let done = 0; done < calls; done += 4 * BATCH) {
    const roundStarted = performance.now();
    for (let i = 0; i < 4; i++) await sandbox.callMany(batch);
    rates.push((4 * BATCH) / ((performance.now() - roundStarted) / 1000));
  }
  rates.sort((a, b) => a - b);
  const median = rates[Math.floor(rates.length / 2)]!;
  const best = rates[rates.length - 1]!;
  console.log(
    `${rates.length * 4 * BATCH} calls: median ${Math.round(median)} calls/s (${(1e6 / median).toFixed(1)} µs/call), ` +
      `best round ${Math.round(best)} calls/s (${(1e6 / best).toFixed(1)} µs/call)`,
  );
  sandbox.dispose();

  // A preview page: 20 records, a sandbox per request (no cache) or the cached one.
  const page = batch.slice(0, 20);
  for (const cache of [false, true]) {
    const times: number[] = [];
    for (let i = 0; i < 30; i++) {
      const requestStarted = performance.now();
      const preview = await createFormattingSandbox(TRIVIAL, { cache });
      await preview.callMany(page);
      preview.dispose();
      times.push(performance.now() - requestStarted);
    }
    console.log(`preview page of 20 (${cache ? "cached" : "new sandbox each"}): median ${percentile(times, 50).toFixed(1)} ms, p95 ${percentile(times, 95).toFixed(1)} ms`);
  }
}

main().catch((error) => {
  console.error(error);
  process.exitCode = 1;
});
