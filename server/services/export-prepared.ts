/**
 * The download behind GET /api/export?q=<json>: the prepared rows of one split as JSONL or
 * Parquet. `q` carries the task builder's settings in the same shape as the training.diagnostics
 * procedure (components/training/builder-state.ts `exportQuery`):
 *   {dataset, task, framework, split: "train"|"test", format: "jsonl"|"parquet",
 *    trainSize?, testSize?, seed?, maxRecords?, filterBy?: {responseStatus?}, crossEncoder?}
 * and prepares them exactly as `studio prepare` does (prepareDataset with the same maxRecords and
 * filterBy), so the file equals the CLI's. Unknown keys are refused rather than ignored.
 */
import { z } from "zod";
import { prepareDataset, toJsonLines, toParquet } from "./prepare-dataset";
import { FRAMEWORKS, parseTrainingTask } from "../training";

export const exportQuerySchema = z
  .object({
    dataset: z.string().min(1),
    task: z.unknown(),
    framework: z.enum(FRAMEWORKS),
    split: z.enum(["train", "test"]).default("train"),
    format: z.enum(["jsonl", "parquet"]).default("jsonl"),
    trainSize: z.number().gt(0).max(1).optional(),
    testSize: z.number().min(0).lt(1).optional(),
    seed: z.number().int().optional(),
    maxRecords: z.number().int().positive().optional(),
    filterBy: z.object({ responseStatus: z.array(z.enum(["submitted", "draft", "discarded", "pending"])).optional() }).strict().optional(),
    crossEncoder: z.boolean().optional(),
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
  /** Bytes with a buffer of their own, so a long-work thread can transfer them instead of copying. */
  body: Uint8Array<ArrayBuffer>;
}

/** Runs in a long-work thread (server/long-work): the web route hands the query over. */
export async function exportPrepared(db: Parameters<typeof prepareDataset>[0], query: ExportQuery, signal?: AbortSignal): Promise<ExportFile> {
  const { prepared } = await prepareDataset(db, query.dataset, {
    signal,
    task: parseTrainingTask(query.task),
    framework: query.framework,
    trainSize: query.trainSize,
    testSize: query.testSize,
    seed: query.seed,
    maxRecords: query.maxRecords,
    filterBy: query.filterBy,
    frameworkOptions: query.crossEncoder ? { crossEncoder: true } : undefined,
  });
  const rows = query.split === "train" ? prepared.train : prepared.test;
  return {
    filename: `${query.dataset}-${query.framework}-${query.split}.${query.format}`,
    contentType: query.format === "jsonl" ? "application/jsonl" : "application/vnd.apache.parquet",
    body: query.format === "jsonl" ? new TextEncoder().encode(toJsonLines(rows)) : new Uint8Array(await toParquet(rows)),
  };
}
