/**
 * A training run: the dataset's rows prepared exactly as `studio prepare` writes them, the training
 * environment made on first need, then the Python worker (`python -m studio_trainer --job job.json`)
 * spawned on them (with `num_processes` > 1 in the config, it execs `accelerate launch` on the same
 * job, keeping its pid: trainer/studio_trainer/distributed.py). Its stdout events become the job's progress, its stored events (job_event) and
 * its result; its stderr is the job's log. Everything lives in the job's folder (trainingJobDir):
 * prepared/, pins.json (+ the task.json and config.json its command names), job.json, output/
 * (checkpoints, model), events.jsonl, log.txt.
 *
 * Attempts: a run whose worker died (or stopped) runs again, up to STUDIO_TRAINING_ATTEMPTS runs,
 * and resumes from its last checkpoint on the rows and pins of the first prepare (never prepared
 * twice: the rows stay identical). A run that fails on its own is not retried: it is a person's to
 * look at, and `studio resume` gives it one more run.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import type { Database } from "../../db/client";
import { findDatasetById, DatasetNotFoundError } from "../../db/datasets";
import { env } from "../../env";
import { prepareDataset, WHOLE_DATASET_SANDBOX } from "../../services/prepare";
import { prepareOptions, prepareOptionsSchema } from "../../services/prepare-options";
import { writePrepared } from "../../services/rows-out";
import { trainingTaskSchema } from "../../training/tasks/schema";
import { ensureTrainingEnvironment } from "../../training-env";
import { readEvents, type TrainerEvent } from "../../training-runs/events";
import { openJobEventRecorder } from "../../training-runs/job-events";
import { writeModelCard } from "../../training-runs/model-card";
import type { TrainingPins } from "../../training-runs/pins";
import { buildPins, readDatasetContent, readPins, writePins } from "../../training-runs/pins-build";
import { TRAINER_FRAMEWORKS } from "../../training-runs/configs";
import { pythonChildEnvironment } from "../../training-runs/runner-environment";
import { spawnJobChild } from "../job-child";
import { runnerEnvironment } from "../../auth/secrets";
import { defineJobKind, JobFailure } from "../kind";

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
  /** PPO/GRPO/RLOO: the model folder of a finished reward-modeling job (job.json's reward_model). */
  rewardModel: z.string().min(1).optional(),
  /** That job's id, for the reproducing command (`--reward-model JOB`). */
  rewardModelJob: z.string().uuid().optional(),
  /** The person who queued it (per-user limits count their queued and running jobs); absent from the CLI. */
  requestedBy: z.string().min(1).optional(),
});
export type TrainingPayload = z.input<typeof trainingPayloadSchema>;

export interface TrainingResult {
  status: "succeeded" | "cancelled";
  /** The test split's metrics (accuracy, f1_macro, …). */
  metrics: Record<string, number>;
  /** The saved model's folder; null when cancelled. */
  modelDir: string | null;
  step: number | null;
  /** What reproduces the job (pins.json). */
  pins: TrainingPins;
}

/** The folder of a training job's files: under STUDIO_ARTIFACTS when set (shared by remote workers), else STUDIO_HOME. */
export function trainingJobDir(jobId: string): string {
  return path.join(env.STUDIO_ARTIFACTS ?? env.STUDIO_HOME, "jobs", jobId);
}

/** Whether the run left a checkpoint to resume from (output/checkpoints/checkpoint-<step>). */
function hasCheckpoint(outputDir: string): boolean {
  const folder = path.join(outputDir, "checkpoints");
  return fs.existsSync(folder) && fs.readdirSync(folder).some((name) => /^checkpoint-\d+$/.test(name));
}

export const trainingJob = defineJobKind({
  name: "training",
  payload: trainingPayloadSchema,
  // Read when a job is queued, so that STUDIO_TRAINING_ATTEMPTS is the setting of that moment.
  get retry() {
    return { attempts: env.STUDIO_TRAINING_ATTEMPTS, delaySeconds: 0, retryFailures: false };
  },
  weight: "heavy",
  datasetId: (payload) => payload.datasetId,
  async run(payload, { id, db, signal, progress, phase }): Promise<TrainingResult> {
    const dir = trainingJobDir(id);
    const outputDir = path.join(dir, "output");
    await fs.promises.mkdir(dir, { recursive: true });

    // pins.json is written last in a prepare: with it, prepared/ is whole and a later run reuses both.
    let pins = readPins(dir);
    if (!pins) pins = await prepareRows(payload, { id, db, dir, signal, phase });

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
      ...(payload.rewardModel ? { reward_model: payload.rewardModel } : {}),
      seed: pins.seed,
      resume_from_checkpoint: hasCheckpoint(outputDir),
    };
    await fs.promises.writeFile(jobFile, JSON.stringify(job, null, 2) + "\n");

    await phase("training");
    // Opened only now, for this run's child: the values never touch a file or the job's row.
    const unreadable: string[] = [];
    const secrets = await runnerEnvironment(db.pool, undefined, (name) => unreadable.push(name));
    for (const name of unreadable) {
      await fs.promises.appendFile(path.join(dir, "log.txt"), `[studio] the stored secret "${name}" does not open with this studio's key (STUDIO_SECRET_KEY or STUDIO_HOME/secret.key changed): the run goes on without it; set it again on the Secrets page\n`);
    }
    const recorder = await openJobEventRecorder(db.pool, id);
    let done: DoneEvent;
    try {
      done = await runTrainer(environment, {
        jobFile,
        dir,
        model: payload.model,
        secrets,
        signal,
        onEvent: (event) => {
          recorder.record(event);
          if (event.event === "progress") progress({ done: event.step, total: event.max_steps, unit: "steps" });
          else if (event.event === "phase") void phase(`training: ${event.phase}`).catch(() => {});
          else if (event.event === "started") {
            pins = { ...pins!, versions: event.versions };
            void writePins(dir, pins).catch(() => {});
          }
        },
      });
    } finally {
      await recorder.close();
    }
    await writePins(dir, pins);
    if (done.status === "succeeded") {
      try {
        await writeModelCard(dir);
      } catch (error) {
        // A card that cannot be written leaves a trained model: said in the log, the job succeeds.
        await fs.promises.appendFile(path.join(dir, "log.txt"), `[studio] the model card was not written: ${(error as Error).message}\n`);
      }
    }
    return {
      status: done.status,
      metrics: done.metrics,
      modelDir: done.model_dir === null ? null : path.join(outputDir, done.model_dir),
      step: done.step ?? null,
      pins,
    };
  },
});

/**
 * Phase `preparing`: the rows as `studio prepare` writes them, in prepared/ (written beside it, then
 * moved in), the dataset's content read in the same pass, then pins.json.
 */
async function prepareRows(
  payload: z.output<typeof trainingPayloadSchema>,
  job: { id: string; db: Database; dir: string; signal: AbortSignal; phase: (phase: string) => Promise<void> },
): Promise<TrainingPins> {
  await job.phase("preparing");
  const dataset = await findDatasetById(job.db.pool, payload.datasetId);
  if (!dataset) throw new DatasetNotFoundError(`#${payload.datasetId}`);
  const options = prepareOptions({ ...payload.options, framework: payload.framework, format: "jsonl" }, payload.task);
  const [{ prepared }, content] = await Promise.all([
    prepareDataset(job.db, dataset, { ...options, sandbox: WHOLE_DATASET_SANDBOX, signal: job.signal }),
    readDatasetContent(job.db.bulk, dataset.id, options.sortBy),
  ]);
  const preparedDir = path.join(job.dir, "prepared");
  const writing = `${preparedDir}.partial`;
  await fs.promises.rm(writing, { recursive: true, force: true });
  await writePrepared(writing, prepared, "jsonl");
  await fs.promises.rm(preparedDir, { recursive: true, force: true });
  await fs.promises.rename(writing, preparedDir);
  const pins = buildPins({
    dir: job.dir,
    dataset,
    content,
    task: payload.task,
    options: payload.options,
    framework: payload.framework,
    model: payload.model,
    config: payload.config,
    rewardModelJob: payload.rewardModelJob,
    seed: payload.options.seed ?? payload.task.seed,
    meta: prepared.meta,
  });
  await writePins(job.dir, pins);
  return pins;
}

type DoneEvent = Extract<TrainerEvent, { event: "done" }>;

/**
 * Spawns the worker on job.json and waits for it: events go to `onEvent` and to events.jsonl, stderr
 * to log.txt. Resolves with the `done` event; rejects with the `error` event's message, or the exit
 * status when the worker ended without either.
 */
async function runTrainer(
  environment: { python: string; ppoOverlay: string },
  run: { jobFile: string; dir: string; model: string; secrets: Record<string, string>; signal: AbortSignal; onEvent: (event: TrainerEvent) => void },
): Promise<DoneEvent> {
  const localModel = fs.statSync(run.model, { throwIfNoEntry: false })?.isDirectory() ?? false;
  const { child, log, events, exited, close } = spawnJobChild(environment.python, ["-m", "studio_trainer", "--job", run.jobFile], {
    dir: run.dir,
    env: pythonChildEnvironment({
      ...run.secrets,
      TRL_EXPERIMENTAL_SILENCE: "1",
      TOKENIZERS_PARALLELISM: "false",
      STUDIO_PPO_OVERLAY: environment.ppoOverlay,
      ...(localModel || run.model.startsWith("blank:") ? { HF_HUB_OFFLINE: "1" } : {}),
    }),
    signal: run.signal,
    killAfterMs: KILL_AFTER_MS,
  });
  let done: DoneEvent | undefined;
  let failure: { message: string; traceback: string | null } | undefined;
  try {
    await readEvents(
      child.stdout,
      (event) => {
        events.write(JSON.stringify(event) + "\n");
        if (event.event === "done") done = event;
        // The first error is the cause: with several processes, a failing rank reports itself and the
        // others may then fail on the collective it left.
        else if (event.event === "error") failure ??= { message: event.message, traceback: event.traceback };
        run.onEvent(event);
      },
      (error) => log.write(`[studio] ${error.message}\n`),
    );
    const code = await exited;
    if (failure !== undefined) throw new JobFailure(failure.message, failure.traceback);
    // Several processes: the launcher (accelerate's) ends with 128 + SIGTERM after its ranks saved and
    // reported the cancel, which is then as good as a single process's exit 0.
    const cancelled = run.signal.aborted && done?.status === "cancelled";
    if ((code !== 0 && !cancelled) || !done) throw new Error(`the training worker exited with status ${code} without finishing (see log.txt)`);
    return done;
  } finally {
    await close();
  }
}
