/**
 * OpenAI-compatible fine-tuning: the providers a member may choose (names only), the rows a start
 * would upload checked by the provider's rules, start a fine-tuning job (checked as `studio finetune`
 * checks it), follow one (its events since a cursor), and chat with its fine-tuned model. The
 * studio's own cancel (jobs.cancel) cancels the provider's job. No answer holds an API key.
 */
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { memberProcedure, router, viewerProcedure } from "../trpc";
import { openaiFineTuneJob, type OpenaiFineTunePayload, type OpenaiFineTuneResult } from "../../jobs/kinds/openai-fine-tune";
import { queueFor } from "../../jobs/server-queue";
import { getJob } from "../../jobs/store";
import { chatRequestSchema, chatWithFineTunedModel, ChatJobError, checkFineTuneRows, validateFineTuneRequest, type FineTuneRequest } from "../../openai/requests";
import { listProviderNames } from "../../openai/provider";
import { listJobEvents } from "../../training-runs/job-events";
import { TrainingRequestError } from "../../training-runs/validate";

const MAX_REQUEST_CHARS = 512 * 1024;

/** Only bounded here: validateFineTuneRequest parses it, so that a refusal reads `<field>: <reason>`. */
const boundedStart = z
  .record(z.string().max(100), z.unknown())
  .refine((request) => JSON.stringify(request).length <= MAX_REQUEST_CHARS, { message: `the request is longer than ${MAX_REQUEST_CHARS / 1024} KiB` });

export const openaiRouter = router({
  /** The providers in the settings, by name (an admin manages them on the Secrets page). */
  providers: viewerProcedure.query(({ ctx }) => listProviderNames(ctx.db.pool)),

  /** The rows a start would upload, checked by the provider's rules (each error with its line); a refused request answers `{error}`. */
  check: viewerProcedure.input(boundedStart).query(async ({ ctx, input, signal }) => {
    try {
      return { error: null, validation: await checkFineTuneRows(ctx.db, input as FineTuneRequest, signal) };
    } catch (error) {
      if (error instanceof TrainingRequestError) return { error: { field: error.field, reason: error.reason }, validation: null };
      throw error;
    }
  }),

  start: memberProcedure.input(boundedStart).mutation(async ({ ctx, input }) => {
    try {
      const { payload } = await validateFineTuneRequest(ctx.db, input as FineTuneRequest);
      const job = await (await queueFor(ctx.db)).enqueue(openaiFineTuneJob, payload);
      return { id: job.id };
    } catch (error) {
      if (error instanceof TrainingRequestError) throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
      throw error;
    }
  }),

  /** One fine-tuning job: state, progress, its provider and models, and its events after `after`. */
  get: viewerProcedure
    .input(z.object({ id: z.string().uuid(), after: z.number().int().min(0).default(0), limit: z.number().int().min(1).max(1000).default(500) }))
    .query(async ({ ctx, input }) => {
      const job = await getJob(ctx.db.pool, input.id);
      if (!job || job.kind !== openaiFineTuneJob.name) throw new TRPCError({ code: "NOT_FOUND", message: `No fine-tuning job ${input.id}` });
      const payload = job.payload as OpenaiFineTunePayload;
      const events = await listJobEvents(ctx.db.pool, job.id, { after: input.after, limit: input.limit });
      return {
        id: job.id,
        state: job.state,
        phase: job.phase,
        progress: job.progress,
        error: job.error,
        provider: payload.provider,
        baseModel: payload.model,
        hyperparameters: payload.hyperparameters ?? {},
        result: job.result as OpenaiFineTuneResult | null,
        events,
        cursor: events.at(-1)?.seq ?? input.after,
      };
    }),

  /** A chat completion from the job's fine-tuned model. */
  chat: memberProcedure.input(chatRequestSchema).mutation(async ({ ctx, input }) => {
    try {
      return await chatWithFineTunedModel(ctx.db, input);
    } catch (error) {
      if (error instanceof ChatJobError) throw new TRPCError({ code: error.reason === "not_found" ? "NOT_FOUND" : "PRECONDITION_FAILED", message: error.message, cause: error });
      throw new TRPCError({ code: "BAD_GATEWAY", message: (error as Error).message, cause: error });
    }
  }),
});
