/** Background jobs: the list, one job, and cancelling it. */
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { memberProcedure, viewerProcedure, router } from "../trpc";
import { getJob, JOB_STATES, listJobSummaries, queuePosition, requestCancel } from "../../jobs/store";

const jobId = z.string().uuid();

export const jobsRouter = router({
  list: viewerProcedure
    .input(z.object({ state: z.enum(JOB_STATES).optional(), kind: z.string().max(100).optional(), datasetId: z.number().int().optional(), limit: z.number().int().min(1).max(500).default(200) }).default({ limit: 200 }))
    // Rows without payload and result; a training job's task, framework, model and metrics instead.
    .query(({ ctx, input }) => listJobSummaries(ctx.db.pool, input)),

  get: viewerProcedure.input(z.object({ id: jobId })).query(async ({ ctx, input }) => {
    const job = await getJob(ctx.db.pool, input.id);
    if (!job) throw new TRPCError({ code: "NOT_FOUND", message: `No job ${input.id}` });
    return { ...job, queuePosition: job.state === "queued" ? await queuePosition(ctx.db.pool, job.id) : null };
  }),

  cancel: memberProcedure.input(z.object({ id: jobId })).mutation(async ({ ctx, input }) => {
    const job = await requestCancel(ctx.db.pool, input.id);
    if (!job) throw new TRPCError({ code: "NOT_FOUND", message: `No job ${input.id}` });
    return job;
  }),
});
