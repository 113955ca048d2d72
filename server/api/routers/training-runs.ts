/**
 * Training runs: start one (checked as `studio train` checks it, then queued as the same job), list
 * them, follow one (its pinned task, options and config, and its events since a cursor, all from the
 * database), cancel, resume, predict with its model, read its model card, and the config form's
 * schema. A refused request answers BAD_REQUEST with the message `<field>: <reason>`
 * (`config.learning_rate: must be > 0`); `check` gives the same without queueing, for a form.
 */
import fs from "node:fs";
import path from "node:path";
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { limitedUserId, memberProcedure, router, viewerProcedure } from "../trpc";
import { withTrainingJobSlot } from "../../services/limits";
import { env } from "../../env";
import { trainingJob, trainingJobDir, type TrainingResult, type trainingPayloadSchema } from "../../jobs/kinds/training";
import { queueFor } from "../../jobs/server-queue";
import { getJob, JOB_STATES, listJobs, queuePosition, requestCancel, type JobRow } from "../../jobs/store";
import { configForm, UnsupportedRunnerError } from "../../training-runs/configs";
import { listJobEvents, listMetricsEvents } from "../../training-runs/job-events";
import { readLogTail } from "../../training-runs/log-tail";
import { runLongWork } from "../../long-work/pool";
import { jobModels, shippedMiniLm } from "../../training-runs/preflight-models";
import { trainCommand } from "../../training-runs/pins-build";
import { PredictError, PredictInputError, PredictJobError, predictWithJob, PREDICT_LIMITS } from "../../training-runs/predict";
import { TrainingRequestError, trainingRequestSchema, validateTrainingRequest } from "../../training-runs/validate";

const jobId = z.string().uuid();

/** A request's JSON (the task may hold a formatting function) is bounded before anything parses it. */
const MAX_REQUEST_CHARS = 512 * 1024;
const MAX_CONFIG_KEYS = 200;
const boundedRequest = trainingRequestSchema.superRefine((request, ctx) => {
  if (Object.keys(request.config).length > MAX_CONFIG_KEYS) ctx.addIssue({ code: "custom", path: ["config"], message: `holds more than ${MAX_CONFIG_KEYS} settings` });
  if (JSON.stringify(request).length > MAX_REQUEST_CHARS) ctx.addIssue({ code: "custom", path: [], message: `the request is longer than ${MAX_REQUEST_CHARS / 1024} KiB` });
});

type TrainingPayload = z.output<typeof trainingPayloadSchema>;

function badRequest(error: unknown): never {
  if (error instanceof TrainingRequestError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
  throw error;
}

/** A training job, or NOT_FOUND. */
async function trainingJobRow(db: Parameters<typeof getJob>[0], id: string): Promise<JobRow> {
  const job = await getJob(db, id);
  if (!job || job.kind !== trainingJob.name) throw new TRPCError({ code: "NOT_FOUND", message: `No training job ${id}` });
  return job;
}

/** What a list row and a job page show of a training job. */
function summary(job: JobRow) {
  const payload = job.payload as TrainingPayload;
  const result = job.result as TrainingResult | null;
  return {
    id: job.id,
    state: job.state,
    phase: job.phase,
    progress: job.progress,
    error: job.error,
    dataset: { id: job.datasetId, name: job.datasetName },
    task: payload.task.task,
    framework: payload.framework,
    model: payload.model,
    metrics: result?.metrics ?? null,
    attempts: job.attempts,
    maxAttempts: job.maxAttempts,
    cancelRequested: job.cancelRequested,
    createdAt: job.createdAt,
    startedAt: job.startedAt,
    finishedAt: job.finishedAt,
  };
}

/**
 * The `studio train` command that queues the same job from a shell, naming task.json and config.json
 * in the working folder (their content is returned beside it), as the job's pins name its own copies.
 */
function startCommand(datasetName: string, payload: TrainingPayload, rewardModel: string | undefined): string {
  const command = trainCommand({ dir: "", datasetName, framework: payload.framework, model: payload.model, options: payload.options, hasConfig: true });
  return rewardModel ? `${command} --reward-model ${rewardModel}` : command;
}

export const trainingRunsRouter = router({
  /** Checks a request as start does, without queueing: null, or the refused field and why. */
  check: viewerProcedure.input(boundedRequest).query(async ({ ctx, input }) => {
    try {
      await validateTrainingRequest(ctx.db, input, { pathsFrom: "browser" });
      return { error: null };
    } catch (error) {
      if (error instanceof TrainingRequestError) return { error: { field: error.field, reason: error.reason } };
      throw error;
    }
  }),

  start: memberProcedure.input(boundedRequest).mutation(async ({ ctx, input }) => {
    const validated = await validateTrainingRequest(ctx.db, input, { pathsFrom: "browser" }).catch(badRequest);
    const queue = await queueFor(ctx.db);
    const requestedBy = limitedUserId(ctx.user);
    const job = await withTrainingJobSlot(ctx.db.pool, requestedBy, () => queue.enqueue(trainingJob, { ...validated.payload, ...(requestedBy ? { requestedBy } : {}) }));
    return {
      id: job.id,
      command: startCommand(validated.dataset.name, validated.payload, input.rewardModel),
      /** The files the command names. */
      files: { "task.json": validated.task, "config.json": validated.payload.config },
    };
  }),

  list: viewerProcedure
    .input(
      z
        .object({ state: z.enum(JOB_STATES).optional(), datasetId: z.number().int().positive().optional(), limit: z.number().int().min(1).max(500).default(100) })
        .default({ limit: 100 }),
    )
    .query(async ({ ctx, input }) => (await listJobs(ctx.db.pool, { ...input, kind: trainingJob.name })).map(summary)),

  /**
   * One run: its summary, what it pinned (task, options, config), and its events after `after` (a
   * cursor: the `cursor` of the previous answer; 0 from the start), at most `limit` of them.
   */
  get: viewerProcedure
    .input(z.object({ id: jobId, after: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(500) }))
    .query(async ({ ctx, input }) => {
      const job = await trainingJobRow(ctx.db.pool, input.id);
      const payload = job.payload as TrainingPayload;
      const result = job.result as TrainingResult | null;
      const events = await listJobEvents(ctx.db.pool, job.id, { after: input.after, limit: input.limit });
      return {
        ...summary(job),
        errorDetail: job.errorDetail,
        queuePosition: job.state === "queued" ? await queuePosition(ctx.db.pool, job.id) : null,
        pinned: { task: payload.task, options: payload.options, config: payload.config, framework: payload.framework, model: payload.model },
        result,
        events,
        /** Pass as `after` to get only newer events. */
        cursor: events.at(-1)?.seq ?? input.after,
        /** The events' metrics, for the curves. */
        metrics: events.flatMap(({ event }) => (event.event === "metrics" ? [{ step: event.step, split: event.split, values: event.values }] : [])),
      };
    }),

  /** The end of the run's log (the worker's stderr): at most `lines` lines of its last 64 KiB. */
  log: viewerProcedure.input(z.object({ id: jobId, lines: z.number().int().min(1).max(500).default(200) })).query(async ({ ctx, input }) => {
    const job = await trainingJobRow(ctx.db.pool, input.id);
    return readLogTail(trainingJobDir(job.id), input.lines, { home: env.STUDIO_HOME });
  }),

  /** Two to eight runs side by side: each one's summary, what it pinned, and its metrics events. */
  compare: viewerProcedure.input(z.object({ ids: z.array(jobId).min(2).max(8) })).query(async ({ ctx, input }) => {
    const ids = [...new Set(input.ids)];
    const jobs = await Promise.all(ids.map((id) => trainingJobRow(ctx.db.pool, id)));
    const metrics = await listMetricsEvents(ctx.db.pool, ids, 5000);
    return jobs.map((job) => {
      const payload = job.payload as TrainingPayload;
      return {
        ...summary(job),
        pinned: { task: payload.task, options: payload.options, config: payload.config },
        events: metrics.get(job.id)!,
      };
    });
  }),

  cancel: memberProcedure.input(z.object({ id: jobId })).mutation(async ({ ctx, input }) => {
    await trainingJobRow(ctx.db.pool, input.id);
    return summary((await requestCancel(ctx.db.pool, input.id))!);
  }),

  /** A failed or cancelled run continues from its last checkpoint. */
  resume: memberProcedure.input(z.object({ id: jobId })).mutation(async ({ ctx, input }) => {
    await trainingJobRow(ctx.db.pool, input.id);
    const queue = await queueFor(ctx.db);
    try {
      return summary(await queue.resume(input.id));
    } catch (error) {
      throw new TRPCError({ code: "PRECONDITION_FAILED", message: (error as Error).message, cause: error });
    }
  }),

  predict: memberProcedure
    .input(z.object({ id: jobId, input: z.unknown() }).refine((value) => JSON.stringify(value.input ?? null).length <= PREDICT_LIMITS.requestChars, { message: "the input is too long", path: ["input"] }))
    .mutation(async ({ ctx, input }) => {
      try {
        return await predictWithJob(ctx.db, input.id, input.input);
      } catch (error) {
        if (error instanceof PredictInputError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
        if (error instanceof PredictJobError) throw new TRPCError({ code: error.reason === "not_found" ? "NOT_FOUND" : "PRECONDITION_FAILED", message: error.message, cause: error });
        if (error instanceof PredictError) throw new TRPCError({ code: "INTERNAL_SERVER_ERROR", message: error.message, cause: error });
        throw error;
      }
    }),

  /** The model card (README.md in the model folder), as Markdown. */
  card: viewerProcedure.input(z.object({ id: jobId })).query(async ({ ctx, input }) => {
    const job = await trainingJobRow(ctx.db.pool, input.id);
    const modelDir = (job.result as TrainingResult | null)?.modelDir ?? path.join(trainingJobDir(job.id), "output", "model");
    const markdown = await fs.promises.readFile(path.join(modelDir, "README.md"), "utf8").catch(() => null);
    if (markdown === null) throw new TRPCError({ code: "PRECONDITION_FAILED", message: `training job ${job.id} has no model card yet (it is ${job.state})` });
    return { markdown };
  }),

  /** The config form of a framework and task: JSON Schema, settings with level and description, defaults. */
  configSchema: viewerProcedure.input(z.object({ framework: z.string().max(100), task: z.string().max(100) })).query(({ input }) => {
    try {
      return configForm(input.framework, input.task);
    } catch (error) {
      if (error instanceof UnsupportedRunnerError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
      throw error;
    }
  }),

  /** Before Start: the request's refusal, or the preflight checks, the estimate and the `studio train` command. */
  // Its prepare reads up to 20,000 records: a long-work thread, so pages keep being served, and
  // the work stops when the form sends a newer request or the browser goes away.
  preflight: viewerProcedure.input(boundedRequest).query(({ ctx, input, signal }) => runLongWork({ kind: "preflight", request: input }, ctx.db.url, signal)),

  /** Models the config form offers: the MiniLM the training environment ships, and earlier succeeded jobs' models. */
  models: viewerProcedure.query(async ({ ctx }) => ({ minilm: shippedMiniLm(), jobs: await jobModels(ctx.db.pool) })),
});
