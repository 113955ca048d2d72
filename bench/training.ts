/**
 * Training-core benchmarks (issue: training core).
 * - prepare end to end from the database: 100k classification records (majority over 3
 *   annotators, transformers) and 15k Dolly-like records (SFT as a template, and as a JavaScript
 *   formatting function run in the sandbox); records/s, and the ratio to Argilla 1.29's
 *   prepare_for_training on the same data (Argilla's SFT task is its formatting_func, the same
 *   function in Python) when bench/.data/argilla-venv exists.
 * - preview: a page of 20 formatted rows, p95 server time, on 100k and 1M records (flat in size).
 * - full-dataset diagnostics at 100k and 1M records: from the record digests, and from a full prepare.
 *   npx tsx bench/training.ts [--skip-argilla] [--only=classification,sft-template,sft-function] [--prepare-only]
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { benchDatabase, DATA_DIR, generatedExport, latencyStats, printTable, ROOT } from "./harness";
import { findDataset, getDataset } from "../server/db/datasets";
import { streamRecords } from "../server/db/records";
import { importFromPath } from "../server/services/imports";
import { diagnoseDataset } from "../server/services/diagnose";
import { prepareDataset } from "../server/services/prepare";
import { previewDataset } from "../server/services/preview";
import { diagnosePrepared, parseTrainingTask, prepareForTraining, type Framework, type TrainingTask } from "../server/training";
import type { Database } from "../server/db/client";

const CLASSIFICATION = parseTrainingTask({ task: "text_classification", text: "text", label: "label", label_strategy: "majority", seed: 42 });
const SFT = parseTrainingTask({
  task: "supervised_fine_tuning",
  responses: "first_submitted",
  template: {
    text: {
      first_of: [
        "### Instruction: {instruction}\n### Context: {context}\n### Response: {corrected-response|response}",
        "### Instruction: {instruction}\n### Response: {corrected-response|response}",
      ],
    },
  },
});

/** bench/argilla_prepare.py's sft_formatting_func, in JavaScript. */
const SFT_FUNCTION = parseTrainingTask({
  task: "supervised_fine_tuning",
  formatting_func: {
    language: "javascript",
    source: `function formatting_func(sample) {
  const corrected = sample["corrected-response"].filter((r) => r.status === "submitted").map((r) => r.value);
  const response = corrected.length > 0 ? corrected[0] : sample.response;
  if (sample.context) return \`### Instruction: \${sample.instruction}\\n### Context: \${sample.context}\\n### Response: \${response}\`;
  return \`### Instruction: \${sample.instruction}\\n### Response: \${response}\`;
}`,
  },
});

function option(name: string): string | undefined {
  return process.argv.find((arg) => arg.startsWith(`--${name}=`))?.slice(name.length + 3);
}

async function ensureImported(db: Database, name: string, kind: "classification" | "dolly", records: number): Promise<string> {
  const dir = generatedExport(kind, records, "jsonl");
  if (!(await findDataset(db.pool, name))) await importFromPath(db.pool, dir, { name });
  return dir;
}

/** Argilla's prepare_for_training time: the median of 3 runs, as ours is (this machine's speed drifts). */
function argillaSeconds(kind: string, dir: string): number | null {
  const python = path.join(DATA_DIR, "argilla-venv", "bin", "python");
  if (process.argv.includes("--skip-argilla") || !fs.existsSync(python)) return null;
  try {
    const runs = [0, 1, 2].map(() => {
      const out = execFileSync(python, [path.join(ROOT, "bench", "argilla_prepare.py"), kind, dir], { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] });
      return JSON.parse(out.trim().split("\n").at(-1)!).seconds as number;
    });
    return runs.sort((a, b) => a - b)[1]!;
  } catch (error) {
    console.error(`argilla run failed: ${(error as Error).message.split("\n")[0]}`);
    return null;
  }
}

/** prepareForTraining over the record stream: the path that does not use record digests. */
async function preparedFromRecords(db: Database, name: string, options: { task: TrainingTask; framework: Framework; trainSize?: number }) {
  const dataset = await getDataset(db.pool, name);
  return prepareForTraining({ ...options, settings: dataset.settings, records: streamRecords(db.bulk, dataset.id, { parts: "fields-and-responses" }) });
}

async function timed(work: () => Promise<unknown>): Promise<number> {
  const started = performance.now();
  await work();
  return (performance.now() - started) / 1000;
}

async function main() {
  const bench = await benchDatabase();
  const { db } = bench;
  try {
    const only = option("only");
    const wanted = (name: string) => only === undefined || only.split(",").includes(name);
    const clfDir = wanted("classification") || !process.argv.includes("--prepare-only") ? await ensureImported(db, "bench-clf-100k", "classification", 100_000) : "";
    const dollyDir = wanted("sft-template") || wanted("sft-function") ? await ensureImported(db, "bench-dolly-15k", "dolly", 15_000) : "";

    const prepareRows: (string | number)[][] = [];
    const argillaByKind = new Map<string, number | null>();
    for (const [name, label, dataset, task, framework, kind, dir] of [
      ["classification", "classification, majority (transformers)", "bench-clf-100k", CLASSIFICATION, "transformers", "classification", clfDir],
      ["sft-template", "SFT template (trl)", "bench-dolly-15k", SFT, "trl", "dolly", dollyDir],
      ["sft-function", "SFT formatting function, JavaScript (trl)", "bench-dolly-15k", SFT_FUNCTION, "trl", "dolly", dollyDir],
    ] as const) {
      if (!wanted(name)) continue;
      // The studio prepares in a long-running server: the first run of a process (compiling the
      // code paths, a cold buffer cache) is shown, and the ratio uses the median of 3 runs after it.
      const runs: number[] = [];
      let result: Awaited<ReturnType<typeof prepareDataset>> | undefined;
      for (let run = 0; run < 4; run++) {
        const started = performance.now();
        result = await prepareDataset(db, await getDataset(db.pool, dataset), { task, framework });
        runs.push((performance.now() - started) / 1000);
      }
      const [first, ...warm] = runs;
      const seconds = warm.sort((a, b) => a - b)[1]!;
      const { prepared, source } = result!;
      const records = prepared.meta.counts.records;
      // The same prepare reading the records (what the studio did before digests, and what template tasks do).
      const fromRecords = await timed(() => preparedFromRecords(db, dataset, { task, framework }));
      // Argilla's SFT run is its formatting_func either way: measured once for both SFT rows.
      if (!argillaByKind.has(kind)) argillaByKind.set(kind, argillaSeconds(kind, dir));
      const argilla = argillaByKind.get(kind)!;
      prepareRows.push([
        label,
        records,
        prepared.train.length,
        source,
        first!,
        seconds,
        Math.round(records / seconds),
        ((seconds * 1e6) / records).toFixed(1),
        source === "digests" ? fromRecords : "–",
        argilla === null ? "not run" : `${Math.round(records / argilla)}/s`,
        argilla === null ? "–" : `${(argilla / seconds).toFixed(1)}×`,
      ]);
    }
    // Other work shares this machine: the load average says how much, beside each table.
    const load = os.loadavg().map((value) => value.toFixed(2)).join(", ");
    printTable(`prepare_for_training end to end from the database (load average ${load})`, ["task", "records", "rows", "read from", "first run, s", "median of 3 after, s", "records/s", "µs per record", "reading the records, s", "Argilla 1.29", "speed-up (goal ≥ 20×)"], prepareRows);
    if (process.argv.includes("--prepare-only")) return;

    const previewRows: (string | number)[][] = [];
    const datasets = [["bench-clf-100k", 100_000]] as [string, number][];
    if (await findDataset(db.pool, "bench-import-jsonl")) datasets.push(["bench-import-jsonl", 1_000_000]);
    for (const [name, size] of datasets) {
      const times: number[] = [];
      for (let i = 0; i < 200; i++) {
        const cursor = { index: Math.floor(((i * 7919) % 1000) / 1000 * size) };
        const started = performance.now();
        await previewDataset(db, await getDataset(db.pool, name), { task: CLASSIFICATION, framework: "transformers", mode: i % 4 === 0 ? "sample" : "page", cursor, limit: 20, sampleSeed: i });
        times.push(performance.now() - started);
      }
      const s = latencyStats(times.slice(10));
      previewRows.push([name, size, s.p50, s.p95, s.p99, s.p95 < 100 ? "yes" : "NO"]);
    }
    printTable("Preview of 20 formatted rows (page or random sample), ms", ["dataset", "records", "p50", "p95", "p99", "p95 < 100 ms"], previewRows);

    const diagRows: (string | number)[][] = [];
    for (const [name, size] of datasets) {
      const options = { task: CLASSIFICATION, framework: "transformers", trainSize: 0.8 } as const;
      const runs: number[] = [];
      let source = "";
      for (let run = 0; run < 4; run++) {
        const started = performance.now();
        source = (await diagnoseDataset(db, await getDataset(db.pool, name), options)).source;
        runs.push((performance.now() - started) / 1000);
      }
      const [first, ...warm] = runs;
      const seconds = warm.sort((a, b) => a - b)[1]!;
      // The same report from a prepare that reads the records: what template and function tasks get.
      const fromRecords = await timed(async () => diagnosePrepared(await preparedFromRecords(db, name, options)));
      diagRows.push([name, size, source, first!, seconds, seconds < 2 ? "yes" : "NO", fromRecords]);
    }
    printTable("Full-dataset diagnostics of the classification task (counts, distributions, conflicts, leakage), seconds", ["dataset", "records", "read from", "first run", "median of 3 after", "< 2 s", "reading the records"], diagRows);
  } finally {
    await bench.close();
  }
}

void main();
