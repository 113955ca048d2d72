import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { procedure, router } from "../trpc";
import { deleteDataset, getDataset, listDatasets } from "../../db/datasets";
import { listAnnotators } from "../../db/records";
import { importJob, startImport } from "../../imports";
import { claimUpload, removeUpload } from "../../uploads";
import { allowedRoots, PathNotAllowedError, resolveAllowedPath } from "../../allowed-paths";
import { defaultDatasetName } from "../../feedback/source";

const datasetName = z.string().min(1).max(200);

export const datasetsRouter = router({
  list: procedure.query(({ ctx }) => listDatasets(ctx.db.pool)),

  get: procedure.input(z.object({ name: datasetName })).query(async ({ ctx, input }) => {
    const dataset = await getDataset(ctx.db.pool, input.name);
    return { ...dataset, annotators: await listAnnotators(ctx.db.pool, dataset.id) };
  }),

  delete: procedure.input(z.object({ name: datasetName })).mutation(({ ctx, input }) => deleteDataset(ctx.db, input.name)),

  /**
   * Import from a path on the server (a folder or a .zip) under the allowed roots: refused at
   * once, the same for a missing path and one outside them; the import checks each file it reads.
   */
  importFromPath: procedure
    .input(z.object({ path: z.string().trim().min(1).max(4096), name: datasetName.optional() }))
    .mutation(async ({ ctx, input }) => {
      const roots = await allowedRoots();
      await resolveAllowedPath(input.path, roots).catch((error: Error) => {
        throw error instanceof PathNotAllowedError ? new TRPCError({ code: "BAD_REQUEST", message: error.message, cause: error }) : error;
      });
      return { importId: startImport(ctx.db.bulk, input.path, { name: input.name || defaultDatasetName(input.path), roots }) };
    }),

  /** Import files uploaded through /api/uploads/<uploadId>/...: read from that upload's folder only. */
  importUpload: procedure
    .input(z.object({ uploadId: z.string().uuid(), name: datasetName.optional() }))
    .mutation(({ ctx, input }) => {
      const folder = claimUpload(input.uploadId);
      if (!folder) throw new TRPCError({ code: "NOT_FOUND", message: "That upload does not exist (or is already being imported)." });
      return {
        importId: startImport(ctx.db.bulk, folder.path, {
          name: input.name || folder.suggestedName,
          roots: [folder.root],
          onFinish: () => removeUpload(input.uploadId),
        }),
      };
    }),

  importStatus: procedure.input(z.object({ importId: z.string() })).query(({ input }) => {
    const job = importJob(input.importId);
    if (!job) throw new TRPCError({ code: "NOT_FOUND", message: "Unknown import" });
    return job;
  }),
});
