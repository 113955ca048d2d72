/**
 * tRPC `hub`: push a finished training job's model to the Hub (member), and the latest push of a job
 * (viewer) so the panel finds it again after a reload. A push's progress and result are read like any
 * job's, through `jobs.get`.
 */
import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { memberProcedure, router, viewerProcedure } from "../trpc";
import { env } from "../../env";
import { hubPushJob } from "../../jobs/kinds/hub-push";
import { queueFor } from "../../jobs/server-queue";
import { getJob } from "../../jobs/store";
import { hubRepoId } from "../../hub/cards";
import { HubPushRefused, startHubPush } from "../../hub/start-push";

export const hubRouter = router({
  push: memberProcedure
    .input(z.object({ trainingJobId: z.uuid(), repo: hubRepoId, private: z.boolean().default(false), datasetRepo: hubRepoId.nullable().default(null) }))
    .mutation(async ({ ctx, input }) => {
      const queue = await queueFor(ctx.db);
      try {
        const job = await startHubPush(queue, input);
        return { id: job.id };
      } catch (error) {
        if (error instanceof HubPushRefused) throw new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error });
        throw error;
      }
    }),

  latest: viewerProcedure.input(z.object({ trainingJobId: z.uuid() })).query(async ({ ctx, input }) => {
    const { rows } = await ctx.db.pool.query<{ id: string }>(
      "SELECT id FROM job WHERE kind = $1 AND payload->>'trainingJobId' = $2 ORDER BY created_at DESC LIMIT 1",
      [hubPushJob.name, input.trainingJobId],
    );
    return { endpoint: env.HF_ENDPOINT, job: rows[0] ? await getJob(ctx.db.pool, rows[0].id) : null };
  }),
});
