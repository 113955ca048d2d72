/**
 * Calibrates and checks the estimate (./estimate-table.ts) against real runs:
 *   npx tsx server/training-runs/estimate-calibrate.ts JOB_DIR…
 * Each JOB_DIR is a training job's folder (job.json, events.jsonl, prepared/train.jsonl). For each
 * it prints the steps, the tokens the steps read (the model's tokenizer, truncated as the config
 * truncates), the measured time from the worker's `started` event to its last step, the start
 * (started → step 0), the peak rss_mb, the throughput this implies (6 × parameters × tokens / s),
 * and what estimateRun says beside it.
 */
import fs from "node:fs";
import path from "node:path";
import { loadTokenizer } from "../services/tokenizers";
import { configNameFor, CONFIG_SCHEMAS } from "./configs";
import { estimateRun, planSteps } from "./estimate";
import { maxSequenceLength, rowSequences } from "./preflight";
import { modelFacts } from "./preflight-run";

interface JobEvent {
  event: string;
  time: string;
  step?: number;
  rss_mb?: number;
}

async function calibrate(dir: string) {
  const job = JSON.parse(fs.readFileSync(path.join(dir, "job.json"), "utf8")) as { framework: string; task: string; model: string; config: Record<string, unknown> };
  const configName = configNameFor(job.framework, job.task);
  const config = CONFIG_SCHEMAS[configName].parse(job.config) as Record<string, unknown>;
  const rows = fs.readFileSync(path.join(dir, "prepared", "train.jsonl"), "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as Record<string, unknown>);
  const events = fs.readFileSync(path.join(dir, "events.jsonl"), "utf8").split("\n").filter(Boolean).map((line) => JSON.parse(line) as JobEvent);
  const model = await modelFacts(job.model);
  const counter = "folder" in model.tokenizer ? await loadTokenizer(model.tokenizer.folder, { anyPath: true }) : null;
  const maxLength = maxSequenceLength(config, model.maxLength);
  let sequences = 0;
  let tokens = 0;
  for (const row of rows) {
    for (const [, text] of rowSequences(row)) {
      sequences++;
      const n = (counter ? counter.count(text) : Math.ceil(text.length / 4)) + 2;
      tokens += maxLength === null ? n : Math.min(n, maxLength);
    }
  }
  const tokensPerSequence = sequences ? tokens / sequences : 0;
  const progress = events.filter((e) => e.event === "progress");
  const started = events.find((e) => e.event === "started");
  const done = events.find((e) => e.event === "done");
  const t = (e: JobEvent | undefined) => (e ? Date.parse(e.time) / 1000 : NaN);
  const step0 = progress.find((e) => e.step === 0) ?? progress[0];
  const lastStep = progress.at(-1);
  const plan = planSteps(configName, config, rows.length);
  const estimate = estimateRun({ configName, config, trainExamples: rows.length, tokensPerSequence, parameters: model.parameters, device: "cpu" });
  const trainSeconds = t(lastStep) - t(step0);
  const measuredTokens = (lastStep?.step ?? 0) * plan.sequencesPerStep * tokensPerSequence;
  return {
    job: path.basename(dir),
    runner: configName,
    parameters: model.parameters,
    examples: rows.length,
    steps: { planned: plan.totalSteps, ran: lastStep?.step ?? null },
    tokensPerSequence: Math.round(tokensPerSequence * 10) / 10,
    measured: {
      startSeconds: Math.round((t(step0) - t(started)) * 10) / 10,
      trainSeconds: Math.round(trainSeconds * 10) / 10,
      untilDoneSeconds: Math.round((t(done) - t(started)) * 10) / 10,
      peakRssMb: Math.max(...progress.map((e) => e.rss_mb ?? 0)),
      firstRssMb: step0?.rss_mb ?? null,
      flopsPerSecond: model.parameters ? Math.round((6 * model.parameters * measuredTokens) / trainSeconds / 1e6) * 1e6 : null,
    },
    estimated: { seconds: estimate.seconds && Math.round(estimate.seconds * 10) / 10, peakMemoryMb: estimate.peakMemoryMb && Math.round(estimate.peakMemoryMb) },
  };
}

const dirs = process.argv.slice(2);
if (dirs.length === 0) {
  console.error("usage: npx tsx server/training-runs/estimate-calibrate.ts JOB_DIR…");
  process.exit(2);
}
void (async () => {
  for (const dir of dirs) console.log(JSON.stringify(await calibrate(dir)));
})();
