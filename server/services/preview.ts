/**
 * The live preview: one page of records or a seeded random sample, formatted by the same
 * per-record path as a full prepare (formatRecordsPage), so the preview shows what training gets.
 * Never a scan: a page costs the same on a million records as on ten.
 */
import type { DatasetDetail } from "../db/datasets";
import { listRecords, listRecordsByIndexes, type BrowsedRecord } from "../db/records";
import type { RecordCursor } from "../feedback/record-query";
import { formatRecordsPage, type FilterBy, type Framework, type FrameworkOptions, type TrainingTask } from "../training";
import { createRng } from "../training/random";
import type { ServiceDb } from "./prepare";

export interface PreviewOptions {
  task: TrainingTask;
  framework: Framework;
  filterBy?: FilterBy;
  frameworkOptions?: FrameworkOptions;
  /** "page": records in order from `cursor`; "sample": `limit` records drawn at random (seeded). */
  mode: "page" | "sample";
  cursor?: RecordCursor | null;
  limit: number;
  sampleSeed?: number;
  /** Only these records (a drop reason's list, say). */
  indexes?: number[];
}

export async function previewDataset(db: ServiceDb, dataset: DatasetDetail, options: PreviewOptions) {
  let records: BrowsedRecord[];
  let nextCursor: RecordCursor | null = null;
  if (options.indexes) {
    records = await listRecordsByIndexes(db.pool, dataset.id, options.indexes.slice(0, options.limit));
  } else if (options.mode === "sample") {
    records = await listRecordsByIndexes(db.pool, dataset.id, sampleIndexes(dataset.recordCount, options.limit, options.sampleSeed ?? 0));
  } else {
    const page = await listRecords(db.pool, dataset, { cursor: options.cursor, limit: options.limit });
    records = page.records;
    nextCursor = page.nextCursor;
  }
  const formatted = await formatRecordsPage(dataset.settings, options.task, records, {
    framework: options.framework,
    filterBy: options.filterBy,
    frameworkOptions: options.frameworkOptions,
  });
  return { records, formatted, nextCursor };
}

/** `count` distinct indexes in [0, total), drawn with a seeded generator, in ascending order. */
export function sampleIndexes(total: number, count: number, seed: number): number[] {
  if (total <= count) return Array.from({ length: total }, (_, i) => i);
  const random = createRng(seed);
  const chosen = new Set<number>();
  while (chosen.size < count) chosen.add(Math.floor(random() * total));
  return [...chosen].sort((a, b) => a - b);
}
