/**
 * A fine-tuning run at an OpenAI-compatible provider, through the `openai` client (v6): upload the
 * training (and validation) file with purpose `fine-tune`, wait until the provider has processed
 * it, create the job (supervised method, the form's hyperparameters), then poll it: its status,
 * its new events and its checkpoints become job_event rows in the training worker's event shapes
 * (metrics, progress, checkpoint, done, error) plus `message` for the provider's own lines, so the
 * job page follows it like a local run. What the studio knows of the provider's job is kept in
 * `provider.json` in the job's folder, so a run whose worker died re-attaches to the same provider
 * job instead of paying for a second one.
 */
import fs from "node:fs";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import OpenAI, { toFile } from "openai";
import type { FineTuningJob, FineTuningJobEvent } from "openai/resources/fine-tuning/jobs/jobs";
import type { FineTuningJobCheckpoint } from "openai/resources/fine-tuning/jobs/checkpoints";
import type { TrainerEvent } from "../training-runs/events";
import type { JobEventRecorder } from "../training-runs/job-events";
import { describeProviderError, ProviderError } from "./provider";

export interface Hyperparameters {
  n_epochs?: number | "auto";
  batch_size?: number | "auto";
  learning_rate_multiplier?: number | "auto";
}

/** What the studio keeps of the provider's side (never a key). */
export interface ProviderState {
  trainingFile: string | null;
  validationFile: string | null;
  providerJobId: string | null;
  /** The newest provider event already recorded (events are listed newest first). */
  lastEventId: string | null;
  checkpointIds: string[];
}

/** A provider line beside the training worker's events: the job page shows it as a log line. */
export interface ProviderMessageEvent {
  event: "message";
  time: string;
  level: "info" | "warn" | "error";
  message: string;
}
export type FineTuneEvent = TrainerEvent | ProviderMessageEvent;

export interface FineTuneOutcome {
  status: "succeeded" | "cancelled";
  providerJobId: string;
  fineTunedModel: string | null;
  trainedTokens: number | null;
  /** The last training metrics the provider reported (train_loss, …). */
  metrics: Record<string, number>;
  step: number | null;
}

const STATE_FILE = "provider.json";
/** A file the provider has not processed after this long is an error. */
const FILE_PROCESSING_TIMEOUT_MS = 30 * 60_000;
/** Polls in a row that fail with a transient error (after the client's own retries) before the run fails. */
const MAX_FAILED_POLLS = 8;
const MAX_POLL_PAUSE_S = 300;

export function readProviderState(dir: string): ProviderState | null {
  try {
    return JSON.parse(fs.readFileSync(path.join(dir, STATE_FILE), "utf8")) as ProviderState;
  } catch {
    return null;
  }
}

export async function writeProviderState(dir: string, state: ProviderState): Promise<void> {
  const file = path.join(dir, STATE_FILE);
  await fs.promises.writeFile(`${file}.partial`, JSON.stringify(state, null, 2) + "\n");
  await fs.promises.rename(`${file}.partial`, file);
}

/** A provider error as the job's failure, in words. */
export function providerFailure(error: unknown): never {
  if (error instanceof ProviderError) throw error;
  throw new ProviderError(describeProviderError(error));
}

/** A transient failure, which a later poll may not meet: a connection error, a timeout, 408, 409, 429 or 5xx. */
function isTransient(error: unknown): boolean {
  if (error instanceof OpenAI.APIConnectionError) return true;
  if (error instanceof OpenAI.APIError) return error.status === undefined || [408, 409, 429].includes(error.status) || error.status >= 500;
  return false;
}

/** Uploads a JSONL file with purpose fine-tune and waits until the provider has processed it. */
export async function uploadTrainingFile(client: OpenAI, file: string, signal: AbortSignal): Promise<string> {
  const uploaded = await client.files
    .create({ file: await toFile(fs.createReadStream(file), path.basename(file)), purpose: "fine-tune" }, { signal })
    .catch(providerFailure);
  const until = Date.now() + FILE_PROCESSING_TIMEOUT_MS;
  let current = uploaded;
  for (let pause = 250; current.status !== "processed"; pause = Math.min(pause * 2, 5000)) {
    if (current.status === "error") throw new ProviderError(`the provider refused ${path.basename(file)}: ${current.status_details ?? "no reason given"}`);
    if (Date.now() > until) throw new ProviderError(`the provider has not processed ${path.basename(file)} after ${FILE_PROCESSING_TIMEOUT_MS / 60_000} minutes`);
    await sleep(pause, undefined, { signal });
    current = await client.files.retrieve(uploaded.id, { signal }).catch(providerFailure);
  }
  return uploaded.id;
}

export async function createFineTuningJob(
  client: OpenAI,
  request: { model: string; trainingFile: string; validationFile: string | null; hyperparameters: Hyperparameters; suffix?: string; seed?: number; studioJobId: string },
  signal: AbortSignal,
): Promise<FineTuningJob> {
  return client.fineTuning.jobs
    .create(
      {
        model: request.model,
        training_file: request.trainingFile,
        ...(request.validationFile ? { validation_file: request.validationFile } : {}),
        ...(request.suffix ? { suffix: request.suffix } : {}),
        ...(request.seed !== undefined ? { seed: request.seed } : {}),
        method: { type: "supervised", supervised: { hyperparameters: request.hyperparameters } },
        metadata: { studio_job: request.studioJobId },
      },
      { signal },
    )
    .catch(providerFailure);
}

const iso = (unixSeconds: number) => new Date(unixSeconds * 1000).toISOString();

function numbers(values: Record<string, unknown>, keep: (key: string) => boolean): Record<string, number> {
  return Object.fromEntries(Object.entries(values).filter(([key, value]) => keep(key) && typeof value === "number" && Number.isFinite(value))) as Record<string, number>;
}
const isEval = (key: string) => key.startsWith("valid_") || key.startsWith("full_valid_");

/**
 * A provider event as the studio's events: a metrics event (its `data` holds step, total_steps,
 * train_loss, …) becomes progress plus train (and eval) metrics; any other a message.
 */
export function eventsFromProviderEvent(event: FineTuningJobEvent): FineTuneEvent[] {
  const time = iso(event.created_at);
  const data = (event.data ?? {}) as Record<string, unknown>;
  if (event.type === "metrics" && typeof data.step === "number") {
    const step = data.step;
    const out: FineTuneEvent[] = [];
    if (typeof data.total_steps === "number") out.push({ event: "progress", time, step, max_steps: data.total_steps, epoch: null });
    const train = numbers(data, (key) => key !== "step" && key !== "total_steps" && !isEval(key));
    const evaluation = numbers(data, isEval);
    if (Object.keys(train).length > 0) out.push({ event: "metrics", time, step, values: train, split: "train" });
    if (Object.keys(evaluation).length > 0) out.push({ event: "metrics", time, step, values: evaluation, split: "eval" });
    return out;
  }
  return [{ event: "message", time, level: event.level, message: event.message }];
}

/** A checkpoint as the studio's events: the checkpoint (its model id as the path) and its metrics. */
export function eventsFromCheckpoint(checkpoint: FineTuningJobCheckpoint): FineTuneEvent[] {
  const time = iso(checkpoint.created_at);
  const step = checkpoint.step_number;
  const metrics = (checkpoint.metrics ?? {}) as Record<string, unknown>;
  const train = numbers(metrics, (key) => key !== "step" && !isEval(key));
  const evaluation = numbers(metrics, isEval);
  return [
    { event: "checkpoint", time, step, path: checkpoint.fine_tuned_model_checkpoint },
    ...(Object.keys(train).length > 0 ? [{ event: "metrics" as const, time, step, values: train, split: "train" as const }] : []),
    ...(Object.keys(evaluation).length > 0 ? [{ event: "metrics" as const, time, step, values: evaluation, split: "eval" as const }] : []),
  ];
}

/** The provider's events newer than `lastEventId`, oldest first (the API lists newest first). */
async function newEvents(client: OpenAI, providerJobId: string, lastEventId: string | null, signal: AbortSignal): Promise<FineTuningJobEvent[]> {
  const fresh: FineTuningJobEvent[] = [];
  for await (const event of client.fineTuning.jobs.listEvents(providerJobId, { limit: 100 }, { signal })) {
    if (event.id === lastEventId) break;
    fresh.push(event);
  }
  return fresh.reverse();
}

export interface FollowOptions {
  client: OpenAI;
  dir: string;
  state: ProviderState & { providerJobId: string };
  recorder: JobEventRecorder;
  pollSeconds: number;
  signal: AbortSignal;
  /** Whether the abort was a person's cancel (the provider's job is cancelled), not a stopping worker (it runs on). */
  cancelRequested: () => Promise<boolean>;
  onStatus: (job: FineTuningJob, lastMessage: string | null) => void;
  onProgress: (step: number, totalSteps: number) => void;
}

/** Polls the provider's job to its end, recording what is new each time. */
export async function followFineTuningJob(options: FollowOptions): Promise<FineTuneOutcome> {
  const { client, dir, state, recorder, signal } = options;
  const record = (event: FineTuneEvent) => recorder.record(event as TrainerEvent);
  let metrics: Record<string, number> = {};
  let step: number | null = null;
  let failedPolls = 0;

  const poll = async (): Promise<FineTuningJob> => {
    // The client adds an abort listener to a request's signal and never removes it: each poll's
    // requests get their own signal, following the job's, so a run of thousands of polls adds none to it.
    const signal = AbortSignal.any([options.signal]);
    const job = await client.fineTuning.jobs.retrieve(state.providerJobId, { signal });
    const events = await newEvents(client, state.providerJobId, state.lastEventId, signal);
    let lastMessage: string | null = null;
    for (const event of events) {
      for (const mapped of eventsFromProviderEvent(event)) {
        record(mapped);
        if (mapped.event === "progress") options.onProgress(mapped.step, mapped.max_steps);
        if (mapped.event === "metrics" && mapped.split === "train") ({ values: metrics, step } = mapped);
        if (mapped.event === "message") lastMessage = mapped.message;
      }
    }
    const checkpoints = await client.fineTuning.jobs.checkpoints.list(state.providerJobId, { limit: 100 }, { signal });
    const fresh = checkpoints.data.filter((checkpoint) => !state.checkpointIds.includes(checkpoint.id)).sort((a, b) => a.step_number - b.step_number);
    for (const checkpoint of fresh) eventsFromCheckpoint(checkpoint).forEach(record);
    if (events.length > 0 || fresh.length > 0) {
      state.lastEventId = events.at(-1)?.id ?? state.lastEventId;
      state.checkpointIds.push(...fresh.map((checkpoint) => checkpoint.id));
      await writeProviderState(dir, state);
    }
    options.onStatus(job, lastMessage);
    return job;
  };

  for (;;) {
    let job: FineTuningJob | null = null;
    try {
      job = await poll();
      failedPolls = 0;
    } catch (error) {
      if (signal.aborted) return stopped(options, { metrics, step });
      if (!isTransient(error) || ++failedPolls >= MAX_FAILED_POLLS) providerFailure(error);
      record({ event: "message", time: new Date().toISOString(), level: "warn", message: `polling the provider failed (${describeProviderError(error)}); trying again` });
    }
    if (job?.status === "succeeded") {
      record({ event: "done", time: new Date().toISOString(), status: "succeeded", metrics, model_dir: null, ...(step !== null ? { step } : {}) });
      return { status: "succeeded", providerJobId: job.id, fineTunedModel: job.fine_tuned_model, trainedTokens: job.trained_tokens, metrics, step };
    }
    if (job?.status === "failed") {
      const reason = job.error ? `${job.error.message}${job.error.code ? ` [${job.error.code}]` : ""}` : "no reason given";
      record({ event: "error", time: new Date().toISOString(), message: `the provider's job failed: ${reason}`, kind: "training", traceback: null });
      throw new ProviderError(`the provider's fine-tuning job ${job.id} failed: ${reason}`);
    }
    if (job?.status === "cancelled") throw new ProviderError(`the provider's fine-tuning job ${job.id} was cancelled at the provider`);
    const pause = failedPolls === 0 ? options.pollSeconds : Math.min(options.pollSeconds * 2 ** failedPolls, MAX_POLL_PAUSE_S);
    try {
      await sleep(pause * 1000, undefined, { signal });
    } catch {
      return stopped(options, { metrics, step });
    }
  }
}

/**
 * The run was interrupted. A person's cancel cancels the provider's job and ends the run as
 * cancelled; a stopping worker leaves it running (the next attempt re-attaches) and rethrows.
 */
async function stopped(options: FollowOptions, last: { metrics: Record<string, number>; step: number | null }): Promise<FineTuneOutcome> {
  if (!(await options.cancelRequested())) throw options.signal.reason ?? new Error("stopped");
  const job = await options.client.fineTuning.jobs.cancel(options.state.providerJobId).catch(providerFailure);
  options.recorder.record({ event: "done", time: new Date().toISOString(), status: "cancelled", metrics: last.metrics, model_dir: null, ...(last.step !== null ? { step: last.step } : {}) });
  return { status: "cancelled", providerJobId: job.id, fineTunedModel: null, trainedTokens: job.trained_tokens, ...last };
}
