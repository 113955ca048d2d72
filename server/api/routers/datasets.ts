import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { memberProcedure, viewerProcedure, router } from "../trpc";
import { deleteDataset, findDataset, getDataset, listDatasets } from "../../db/datasets";
import { listAnnotators } from "../../db/records";
import { importJob } from "../../jobs/kinds/import";
import { queueFor } from "../../jobs/server-queue";
import { getJob, type JobRow } from "../../jobs/store";
import { claimUpload, removeUpload } from "../../services/uploads";
import { PathNotAllowedError } from "../../feedback/path-roots";
import { allowedRoots, resolveAllowedPath } from "../../services/allowed-paths";
import { defaultDatasetName } from "../../feedback/source";

const datasetName = z.string().min(1).max(200);

export const datasetsRouter = router({
  list: viewerProcedure.query(({ ctx }) => listDatasets(ctx.db.pool)),

  get: viewerProcedure.input(z.object({ name: datasetName })).query(async ({ ctx, input }) => {
    const dataset = await getDataset(ctx.db.pool, input.name);
    return { ...dataset, annotators: await listAnnotators(ctx.db.pool, dataset.id) };
  }),

  delete: memberProcedure.input(z.object({ name: datasetName })).mutation(({ ctx, input }) => deleteDataset(ctx.db, input.name)),

  /**
   * Import from a path on the server (a folder or a .zip) under the allowed roots: refused at
   * once, the same for a missing path and one outside them; the import checks each file it reads.
   */
  importFromPath: memberProcedure
    .input(z.object({ path: z.string().trim().min(1).max(4096), name: datasetName.optional() }))
    .mutation(async ({ ctx, input }) => {
      const roots = await allowedRoots();
      await resolveAllowedPath(input.path, roots).catch((error: Error) => {
        throw error instanceof PathNotAllowedError ? new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error }) : error;
      });
      const queue = await queueFor(ctx.db);
      const job = await queue.enqueue(importJob, { path: input.path, name: input.name || defaultDatasetName(input.path), roots: [...roots] });
      return { importId: job.id };
    }),

  /** Import files uploaded through /api/uploads/<uploadId>/...: read from that upload's folder only. */
  importUpload: memberProcedure
    .input(z.object({ uploadId: z.string().uuid(), name: datasetName.optional() }))
    .mutation(async ({ ctx, input }) => {
      const folder = claimUpload(input.uploadId);
      if (!folder) throw new TRPCError({ code: "NOT_FOUND", message: "That upload does not exist (or is already being imported)." });
      try {
        const queue = await queueFor(ctx.db);
        const job = await queue.enqueue(importJob, { path: folder.path, name: input.name || folder.suggestedName, roots: [folder.root], uploadId: input.uploadId });
        return { importId: job.id };
      } catch (error) {
        await removeUpload(input.uploadId);
        throw error;
      }
    }),

  /** Before an upload sends a byte: is this name free? */
  nameTaken: viewerProcedure.input(z.object({ name: datasetName })).query(async ({ ctx, input }) => ({ taken: (await findDataset(ctx.db.pool, input.name.trim())) !== null })),

  /** An import job as the import panel follows it. */
  importStatus: viewerProcedure.input(z.object({ importId: z.string().uuid() })).query(async ({ ctx, input }) => {
    const job = await getJob(ctx.db.pool, input.importId);
    if (!job || job.kind !== importJob.name) throw new TRPCError({ code: "NOT_FOUND", message: "Unknown import" });
    return importView(job);
  }),
});

type ImportSummary = Awaited<ReturnType<typeof importJob.run>>;

export type ImportView =
  | { id: string; state: "queued" | "running"; rowsRead: number; totalRows: number | null }
  | { id: string; state: "done"; rowsRead: number; totalRows: number | null; summary: ImportSummary }
  | { id: string; state: "failed"; rowsRead: number; totalRows: number | null; error: string };

function importView(job: JobRow): ImportView {
  const rows = { id: job.id, rowsRead: job.progress?.done ?? 0, totalRows: job.progress?.total ?? null };
  if (job.state === "succeeded") return { ...rows, state: "done", summary: job.result as ImportSummary };
  if (job.state === "failed" || job.state === "cancelled") return { ...rows, state: "failed", error: job.error ?? job.state };
  return { ...rows, state: job.state };
}
