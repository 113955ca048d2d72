/**
 * The prepare options and the dataset reference, one schema for every edge that takes them: the
 * tRPC training router, the export route's query, `studio prepare`'s flags and (next) a training
 * job's config. The names are Argilla's prepare_for_training parameters in camelCase (train_size →
 * trainSize, filter_by → filterBy, ...). Each edge adds what only it has (the task JSON, the split
 * an export downloads) and hands the parsed options to prepareOptions, which gives the services'
 * PrepareOptions.
 */
import { z } from "zod";
import type pg from "pg";
import { DatasetNotFoundError, findDatasetById, getDataset, type DatasetDetail } from "../db/datasets";
import { STATUS_FILTERS } from "../feedback/schema";
import { FRAMEWORKS, type TrainingTask } from "../training";
import type { PrepareOptions } from "./prepare";

/** filter_by: records with a response of one of these statuses, or ("pending") without responses. */
export const filterBySchema = z.object({ responseStatus: z.array(z.enum(STATUS_FILTERS)).optional() }).strict();

export const OUTPUT_FORMATS = ["jsonl", "parquet"] as const;
export type OutputFormat = (typeof OUTPUT_FORMATS)[number];

export const prepareOptionsSchema = z.object({
  framework: z.enum(FRAMEWORKS),
  /** Fraction of rows for training, in (0, 1]. */
  trainSize: z.number().gt(0).max(1).optional(),
  /** Fraction for the test split, in [0, 1). */
  testSize: z.number().min(0).lt(1).optional(),
  seed: z.number().int().optional(),
  maxRecords: z.number().int().positive().optional(),
  filterBy: filterBySchema.optional(),
  /** "index" (insertion order, the default) or a metadata property ("metadata." may prefix it). */
  sortBy: z.string().trim().min(1).max(200).optional(),
  /** sentence-transformers: rows for a cross-encoder. */
  crossEncoder: z.boolean().optional(),
  format: z.enum(OUTPUT_FORMATS).default("jsonl"),
});
export type PrepareOptionsInput = z.input<typeof prepareOptionsSchema>;
export type ParsedPrepareOptions = z.output<typeof prepareOptionsSchema>;

/** A dataset as a person names it (the API edge, the CLI). */
export const datasetNameSchema = z.string().trim().min(1).max(200);

/**
 * A dataset reference: a name at the edges, an id in what outlives a request (a job: a dataset
 * can be deleted and imported again under the same name).
 */
export const datasetRefSchema = z.union([datasetNameSchema, z.object({ id: z.number().int().positive() }).strict()]);
export type DatasetRef = z.infer<typeof datasetRefSchema>;

/** The dataset a reference names, resolved once at the edge; below it, services take the DatasetDetail. */
export async function resolveDataset(db: pg.Pool, ref: DatasetRef): Promise<DatasetDetail> {
  if (typeof ref === "string") return getDataset(db, ref);
  const dataset = await findDatasetById(db, ref.id);
  if (!dataset) throw new DatasetNotFoundError(`#${ref.id}`);
  return dataset;
}

/** The services' options from parsed edge options and a parsed task. */
export function prepareOptions(options: ParsedPrepareOptions, task: TrainingTask): PrepareOptions {
  return {
    task,
    framework: options.framework,
    trainSize: options.trainSize,
    testSize: options.testSize,
    seed: options.seed,
    maxRecords: options.maxRecords,
    filterBy: options.filterBy,
    sortBy: options.sortBy ? { by: options.sortBy.replace(/^metadata\./, ""), order: "asc" } : undefined,
    frameworkOptions: options.crossEncoder ? { crossEncoder: true } : undefined,
  };
}
