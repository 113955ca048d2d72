import { z } from "zod";
import { TRPCError } from "@trpc/server";
import { viewerProcedure, router } from "../trpc";
import { getDataset } from "../../db/datasets";
import { countRecords, getRecord, listRecords } from "../../db/records";
import { recordCursorSchema, recordFilterSchema, recordSortSchema } from "../../feedback/record-query";

const datasetName = z.string().min(1).max(200);

/** What a records page asks for: here and at GET /api/records (the record list's route, app/api/records). */
export const recordPageInput = z.object({
  dataset: datasetName,
  filter: recordFilterSchema.default({}),
  sort: recordSortSchema.default({ by: "index", order: "asc" }),
  cursor: recordCursorSchema.nullish(),
  limit: z.number().int().min(1).max(200).default(50),
});

export const recordsRouter = router({
  list: viewerProcedure
    .input(recordPageInput)
    .query(async ({ ctx, input }) => {
      const dataset = await getDataset(ctx.db.pool, input.dataset);
      return listRecords(ctx.db.pool, dataset, input);
    }),

  count: viewerProcedure.input(z.object({ dataset: datasetName, filter: recordFilterSchema.default({}) })).query(async ({ ctx, input }) => {
    const dataset = await getDataset(ctx.db.pool, input.dataset);
    return countRecords(ctx.db.pool, dataset, input.filter);
  }),

  get: viewerProcedure.input(z.object({ dataset: datasetName, index: z.number().int().nonnegative() })).query(async ({ ctx, input }) => {
    const dataset = await getDataset(ctx.db.pool, input.dataset);
    const record = await getRecord(ctx.db.pool, dataset.id, input.index);
    if (!record) throw new TRPCError({ code: "NOT_FOUND", message: `Dataset "${input.dataset}" has no record ${input.index}` });
    return record;
  }),
});
