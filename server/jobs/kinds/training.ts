/**
 * A training run: the dataset's rows prepared exactly as `studio prepare` writes them, the training
 * environment made on first need, then the Python worker (`python -m studio_trainer --job job.json`)
 * spawned on them. Its stdout events become the job's progress and result; its stderr is the job's
 * log. Everything lives in `STUDIO_HOME/jobs/<job id>/`: prepared/, job.json, output/ (checkpoints,
 * model), events.jsonl, log.txt.
 *
 * One attempt: a failed training is a person's to look at, and resuming from a checkpoint comes later.
 */
import { spawn } from "node:child_process";
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { findDatasetById, DatasetNotFoundError } from "../../db/datasets";
import { env } from "../../env";
import { prepareDataset, WHOLE_DATASET_SANDBOX } from "../../services/prepare";
import { prepareOptions, prepareOptionsSchema } from "../../services/prepare-options";
import { writePrepared } from "../../services/rows-out";
import { trainingTaskSchema } from "../../training/tasks/schema";
import { ensureTrainingEnvironment } from "../../training-env";
import { defaultTrainerDir } from "../../training-env/requirements";
import { readEvents, type TrainerEvent } from "../../training-runs/events";
import { defineJobKind } from "../kind";

/** The frameworks the Python worker trains (the studio prepares rows for openai and spacy-transformers too). */
export const TRAINER_FRAMEWORKS = ["setfit", "transformers", "peft", "sentence-transformers", "spacy", "trl"] as const;

/** After SIGTERM the worker saves a checkpoint at the next step end; past this it is killed. */
const KILL_AFTER_MS = 10_000;

/** The trainer reads JSON lines; the framework is the payload's own. */
const trainingPrepareOptionsSchema = prepareOptionsSchema.omit({ framework: true, format: true });

export const trainingPayloadSchema = z.object({
  datasetId: z.number().int().positive(),
  task: trainingTaskSchema,
  framework: z.enum(TRAINER_FRAMEWORKS),
  /** A Hub id, a local folder, or (spaCy) `blank:<lang>`. */
  model: z.string().trim().min(1),
  /** The runner's settings (trainer/README.md, "Runners and their configs"). */
  config: z.record(z.string(), z.unknown()).default({}),
  options: trainingPrepareOptionsSchema.default({}),
});
export type TrainingPayload = z.input<typeof trainingPayloadSchema>;

export interface TrainingResult {
  status: "succeeded" | "cancelled";
  /** The test split's metrics (accuracy, f1_macro, …). */
  metrics: Record<string, number>;
  /** The saved model's folder; null when cancelled. */
  modelDir: string | null;
  step: number | null;
}

/** The folder of a training job's files. */
export function trainingJobDir(jobId: string): string {
  return path.join(env.STUDIO_HOME, "jobs", jobId);
}

export const trainingJob = defineJobKind({
  name: "training",
  payload: trainingPayloadSchema,
  retry: { attempts: 1, delaySeconds: 0 },
  weight: "heavy",
  datasetId: (payload) => payload.datasetId,
  async run(payload, { id, db, signal, progress, phase }): Promise<TrainingResult> {
    const dir = trainingJobDir(id);
    const preparedDir = path.join(dir, "prepared");
    const outputDir = path.join(dir, "output");

    await phase("preparing");
    const dataset = await findDatasetById(db.pool, payload.datasetId);
    if (!dataset) throw new DatasetNotFoundError(`#${payload.datasetId}`);
    const { prepared } = await prepareDataset(db, dataset, {
      ...prepareOptions({ ...payload.options, framework: payload.framework, format: "jsonl" }, payload.task),
      sandbox: WHOLE_DATASET_SANDBOX,
      signal,
    });
    await writePrepared(preparedDir, prepared, "jsonl");

    await phase("preparing the training environment");
    let lastMessage = "";
    const environment = await ensureTrainingEnvironment({
      home: env.STUDIO_HOME,
      signal,
      onProgress: ({ step, total, message }) => {
        if (message !== lastMessage) void phase((lastMessage = message)).catch(() => {});
        progress({ done: step, total: total ?? null, unit: "steps" });
      },
    });

    const jobFile = path.join(dir, "job.json");
    const job = {
      job_id: id,
      framework: payload.framework,
      task: payload.task.task,
      model: payload.model,
      prepared_dir: "prepared",
      output_dir: "output",
      config: payload.config,
      seed: payload.options.seed ?? payload.task.seed,
    };
    await fs.promises.writeFile(jobFile, JSON.stringify(job, null, 2) + "\n");

    await phase("training");
    const done = await runTrainer(environment, { jobFile, dir, model: payload.model, signal, onEvent: (event) => {
      if (event.event === "progress") progress({ done: event.step, total: event.max_steps, unit: "steps" });
      else if (event.event === "phase") void phase(`training: ${event.phase}`).catch(() => {});
    } });
    return {
      status: done.status,
      metrics: done.metrics,
      modelDir: done.model_dir === null ? null : path.join(outputDir, done.model_dir),
      step: done.step ?? null,
    };
  },
});

type DoneEvent = Extract<TrainerEvent, { event: "done" }>;

/**
 * Spawns the worker on job.json and waits for it: events go to `onEvent` and to events.jsonl, stderr
 * to log.txt. Resolves with the `done` event; rejects with the `error` event's message, or the exit
 * status when the worker ended without either.
 */
async function runTrainer(
  environment: { python: string; ppoOverlay: string },
  run: { jobFile: string; dir: string; model: string; signal: AbortSignal; onEvent: (event: TrainerEvent) => void },
): Promise<DoneEvent> {
  const localModel = fs.statSync(run.model, { throwIfNoEntry: false })?.isDirectory() ?? false;
  const child = spawn(environment.python, ["-m", "studio_trainer", "--job", run.jobFile], {
    cwd: run.dir,
    env: {
      ...process.env,
      PYTHONPATH: defaultTrainerDir(),
      PYTHONUNBUFFERED: "1",
      HF_HOME: path.join(env.STUDIO_HOME, "huggingface"),
      HF_HUB_DISABLE_TELEMETRY: "1",
      TRL_EXPERIMENTAL_SILENCE: "1",
      TOKENIZERS_PARALLELISM: "false",
      STUDIO_PPO_OVERLAY: environment.ppoOverlay,
      ...(localModel || run.model.startsWith("blank:") ? { HF_HUB_OFFLINE: "1" } : {}),
    },
    stdio: ["ignore", "pipe", "pipe"],
  });
  const log = fs.createWriteStream(path.join(run.dir, "log.txt"));
  const events = fs.createWriteStream(path.join(run.dir, "events.jsonl"));
  child.stderr.pipe(log);

  let killTimer: NodeJS.Timeout | undefined;
  const stop = () => {
    child.kill("SIGTERM");
    killTimer = setTimeout(() => child.kill("SIGKILL"), KILL_AFTER_MS);
  };
  if (run.signal.aborted) stop();
  else run.signal.addEventListener("abort", stop, { once: true });

  const exited = new Promise<number | null>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => resolve(code ?? (signal ? 128 : null)));
  });
  exited.catch(() => {}); // awaited below, after the events; a spawn failure rejects it first
  let done: DoneEvent | undefined;
  let failure: string | undefined;
  try {
    await readEvents(
      child.stdout,
      (event) => {
        events.write(JSON.stringify(event) + "\n");
        if (event.event === "done") done = event;
        else if (event.event === "error") failure = event.message;
        run.onEvent(event);
      },
      (error) => log.write(`[studio] ${error.message}\n`),
    );
    const code = await exited;
    if (failure !== undefined) throw new Error(failure);
    if (code !== 0 || !done) throw new Error(`the training worker exited with status ${code} without finishing (see log.txt)`);
    return done;
  } finally {
    clearTimeout(killTimer);
    run.signal.removeEventListener("abort", stop);
    await Promise.all([new Promise((resolve) => log.end(resolve)), new Promise((resolve) => events.end(resolve))]);
  }
}
