/**
 * The full prepare of a stored dataset: what `studio prepare`, the export, the diagnostics and
 * (next) training jobs train on. A default classification task is served from the records'
 * digests where they can stand for the records (./digest-prepare); any other task reads the
 * records in one binary COPY through prepareForTraining. Both give the same rows (tested).
 */
import type { Database } from "../db/client";
import type { DatasetDetail } from "../db/datasets";
import { streamRecords } from "../db/records";
import type { RecordSort } from "../feedback/record-query";
import {
  prepareForTraining,
  readsWholeRecord,
  type FilterBy,
  type Framework,
  type FrameworkOptions,
  type PreparedData,
  type SandboxOptions,
  type TrainingTask,
} from "../training";
import { tryDigestPrepare } from "./digest-prepare";

export interface PrepareOptions {
  task: TrainingTask;
  framework: Framework;
  trainSize?: number;
  testSize?: number;
  seed?: number;
  filterBy?: FilterBy;
  maxRecords?: number;
  /** "index" (insertion order, the default) or a metadata property name. */
  sortBy?: RecordSort;
  frameworkOptions?: FrameworkOptions;
  /** The formatting-function sandbox: its CPU budget (see WHOLE_DATASET_SANDBOX). */
  sandbox?: Pick<SandboxOptions, "cpuBudgetMs">;
  /** Stops reading the dataset (the prepare rejects with the abort reason). */
  signal?: AbortSignal;
}

/**
 * The sandbox of a prepare over a whole dataset that someone waits for at the end, not as they
 * type: `studio prepare`, an export, a job. The sandbox's default CPU budget (60 s a request) is
 * sized for interactive requests (previews, diagnostics); a formatting function over a million
 * records needs minutes, so these have no budget. Each record still has its own time limit, and
 * the request's signal stops the work.
 */
export const WHOLE_DATASET_SANDBOX = { cpuBudgetMs: Number.POSITIVE_INFINITY } as const;

export type ServiceDb = Pick<Database, "pool" | "bulk">;

export async function prepareDataset(db: ServiceDb, dataset: DatasetDetail, options: PrepareOptions): Promise<{ prepared: PreparedData; source: "digests" | "records" }> {
  const fromDigests = await tryDigestPrepare(db, dataset, options);
  if (fromDigests) return { prepared: fromDigests, source: "digests" };
  const prepared = await prepareForTraining({
    settings: dataset.settings,
    task: options.task,
    framework: options.framework,
    records: streamRecords(db.bulk, dataset.id, {
      sort: options.sortBy,
      signal: options.signal,
      parts: readsWholeRecord(options.task) ? "all" : "fields-and-responses",
    }),
    trainSize: options.trainSize,
    testSize: options.testSize,
    seed: options.seed,
    filterBy: options.filterBy,
    maxRecords: options.maxRecords,
    frameworkOptions: options.frameworkOptions,
    sandbox: options.sandbox && { ...options.sandbox, signal: options.signal },
  });
  return { prepared, source: "records" };
}
