/**
 * The download behind GET /api/export?q=<json>: the prepared rows of one split as JSONL or
 * Parquet. `q` carries the task builder's settings, the prepare options of every edge
 * (./prepare-options.ts) plus the dataset, the task and the split (components/training
 * `exportQuery`), and prepares them exactly as `studio prepare` does, so the file equals the
 * CLI's. Unknown keys are refused rather than ignored.
 */
import { z } from "zod";
import type { DatasetDetail } from "../db/datasets";
import { parseTrainingTask } from "../training";
import { prepareDataset, WHOLE_DATASET_SANDBOX, type ServiceDb } from "./prepare";
import { datasetNameSchema, prepareOptions, prepareOptionsSchema } from "./prepare-options";
import { CONTENT_TYPES, writeRowsToFile } from "./rows-out";

export const exportQuerySchema = prepareOptionsSchema
  .extend({
    dataset: datasetNameSchema,
    task: z.unknown(),
    split: z.enum(["train", "test"]).default("train"),
  })
  .strict();

export type ExportQuery = z.infer<typeof exportQuerySchema>;

/** Reads `q` from the request URL. Throws (zod or JSON) errors with a message for a 400. */
export function parseExportQuery(url: URL): ExportQuery {
  return exportQuerySchema.parse(JSON.parse(url.searchParams.get("q") ?? "{}"));
}

export interface ExportFile {
  filename: string;
  contentType: string;
}

/**
 * Prepares the query's rows and streams its split into the file `out` (in a long-work thread,
 * server/long-work: the route resolves the dataset and serves the file).
 */
export async function exportPrepared(db: ServiceDb, dataset: DatasetDetail, query: ExportQuery, out: string, signal?: AbortSignal): Promise<ExportFile> {
  const { prepared } = await prepareDataset(db, dataset, {
    ...prepareOptions(query, parseTrainingTask(query.task)),
    sandbox: WHOLE_DATASET_SANDBOX,
    signal,
  });
  await writeRowsToFile(out, query.split === "train" ? prepared.train : prepared.test, query.format);
  return { filename: `${dataset.name}-${query.framework}-${query.split}.${query.format}`, contentType: CONTENT_TYPES[query.format] };
}
