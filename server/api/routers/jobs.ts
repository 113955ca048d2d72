/** Background jobs: the list, one job, and cancelling it. */
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { memberProcedure, viewerProcedure, router } from "../trpc";
import { trainingJob, type trainingPayloadSchema, type TrainingResult } from "../../jobs/kinds/training";
import { getJob, JOB_STATES, listJobs, queuePosition, requestCancel, type JobRow } from "../../jobs/store";

const jobId = z.string().uuid();

/**
 * A list row: the job without its payload and result (a training job's result holds its whole pins),
 * plus, for a training job, what the list shows of it.
 */
function listRow({ payload, result, errorDetail: _detail, ...job }: JobRow) {
  if (job.kind !== trainingJob.name) return { ...job, training: null };
  const training = payload as z.output<typeof trainingPayloadSchema>;
  return {
    ...job,
    training: {
      task: training.task.task,
      framework: training.framework,
      model: training.model,
      metrics: (result as TrainingResult | null)?.metrics ?? null,
    },
  };
}

export const jobsRouter = router({
  list: viewerProcedure
    .input(z.object({ state: z.enum(JOB_STATES).optional(), kind: z.string().max(100).optional(), datasetId: z.number().int().optional(), limit: z.number().int().min(1).max(500).default(200) }).default({ limit: 200 }))
    .query(async ({ ctx, input }) => (await listJobs(ctx.db.pool, input)).map(listRow)),

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
