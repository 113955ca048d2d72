/**
 * The training core applied to a stored dataset: the preview (one page or a random sample, never
 * a scan), the full prepare (records streamed in keyset pages), and writing the prepared rows.
 * The same core functions serve the web preview, `studio prepare` and (later) jobs, so what the
 * preview shows is what training gets.
 */
import fs from "node:fs";
import path from "node:path";
import type { Database } from "../db/client";
import { getDataset, type DatasetDetail } from "../db/datasets";
import { listRecords, listRecordsByIndexes, readFieldTexts, streamRecords, type BrowsedRecord } from "../db/records";
import type { RecordCursor, RecordSort } from "../feedback/record-query";
import {
  createDigestPrepare,
  diagnosePrepared,
  digestPositions,
  fillExamples,
  formatRecordsPage,
  IrregularDigestError,
  type DigestPrepare,
  type DiagnosticsReport,
  type PreparedMeta,
  type TokenCounter,
  prepareForTraining,
  readsWholeRecord,
  type FilterBy,
  type Framework,
  type FrameworkOptions,
  type PreparedData,
  type Row,
  type TrainingTask,
} from "../training";
import { createRng } from "../training/random";
import { streamDigest } from "../db/record-digest";

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
  /** Stops reading the dataset (the prepare rejects with the abort reason). */
  signal?: AbortSignal;
}

type Db = Pick<Database, "pool" | "bulk">;

/**
 * A full prepare. A default classification task on a label or rating question reads the records'
 * digests (server/feedback/record-digest.ts: unification, drops and duplicates without parsing the
 * records' JSON) and then the one field's texts; any other task, or records whose digests cannot
 * stand for them, go through prepareForTraining. Both give the same rows (tested).
 */
export async function prepareDataset(
  db: Db,
  datasetName: string,
  options: PrepareOptions,
): Promise<{ dataset: DatasetDetail; prepared: PreparedData; source: "digests" | "records" }> {
  const dataset = await getDataset(db.pool, datasetName);
  const positions = digestPositionsFor(dataset, options);
  if (positions) {
    // The texts are read while the digests are: Postgres walks the records while Node unifies.
    const stop = new AbortController();
    const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
    const texts = readFieldTexts(db.bulk, dataset.id, dataset.settings.fields[positions.field]!.name, signal);
    texts.catch(() => {}); // awaited below, or abandoned
    try {
      const digest = await digestedRecords(db, dataset, positions, options);
      if (digest) {
        const byIdx = await texts;
        return { dataset, prepared: digest.prepared((idx) => byIdx[idx]!), source: "digests" };
      }
    } catch (error) {
      if (!(error instanceof IrregularDigestError)) throw error;
    } finally {
      stop.abort();
    }
  }
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
  });
  return { dataset, prepared, source: "records" };
}

/** Where the digests hold what this prepare reads (a task they serve, records in insertion order), or null. */
function digestPositionsFor(dataset: DatasetDetail, options: PrepareOptions): { field: number; question: number } | null {
  const inOrder = !options.sortBy || (options.sortBy.by === "index" && options.sortBy.order !== "desc");
  return dataset.digestReady && inOrder ? digestPositions(dataset.settings, options.task, options.framework) : null;
}

/** The dataset's digests run through the digest prepare; null when one cannot stand for its record. */
async function digestedRecords(db: Db, dataset: DatasetDetail, positions: { field: number; question: number }, options: PrepareOptions): Promise<DigestPrepare | null> {
  const digest = await createDigestPrepare({ ...options, settings: dataset.settings, recordCount: dataset.recordCount });
  try {
    await streamDigest(db.bulk, dataset, positions, (record) => digest.add(record), options.signal);
  } catch (error) {
    if (error instanceof IrregularDigestError) return null;
    throw error;
  }
  return digest;
}

export interface DiagnoseOptions extends PrepareOptions {
  /** Token lengths too (every k-th row): these need the rows' texts, so the report is taken from a prepare's rows. */
  tokens?: TokenCounter;
}

/**
 * Full-dataset diagnostics: from the records' digests where a prepare would use them (the texts of
 * the few example records are read afterwards), otherwise from a full prepare. Both report the
 * same (tested).
 */
export async function diagnoseDataset(
  db: Db,
  datasetName: string,
  options: DiagnoseOptions,
): Promise<{ report: DiagnosticsReport; meta: PreparedMeta; source: "digests" | "records" }> {
  const dataset = await getDataset(db.pool, datasetName);
  const positions = options.tokens ? null : digestPositionsFor(dataset, options);
  const digest = positions && (await digestedRecords(db, dataset, positions, options));
  if (digest) {
    const result = digest.report();
    const examples = [...new Set([...result.examples.conflicts, ...result.examples.leakage])];
    const records = new Map((await listRecordsByIndexes(db.pool, dataset.id, examples)).map((r) => [r.index, r]));
    const field = dataset.settings.fields[positions.field]!.name;
    return { report: fillExamples(result, (idx) => String(records.get(idx)?.fields[field] ?? "")), meta: result.meta, source: "digests" };
  }
  const { prepared, source } = await prepareDataset(db, datasetName, options);
  return { report: diagnosePrepared(prepared, options.frameworkOptions, options.tokens), meta: prepared.meta, source };
}

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

export async function previewDataset(db: Db, datasetName: string, options: PreviewOptions) {
  const dataset = await getDataset(db.pool, datasetName);
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

/** Rows as JSON lines: what trainers read. */
export function toJsonLines(rows: readonly Row[]): string {
  return rows.map((row) => JSON.stringify(row)).join("\n") + (rows.length ? "\n" : "");
}

/** Columns from the first row's keys; nested values (lists, objects) stored as Parquet JSON. */
export async function toParquet(rows: readonly Row[]): Promise<ArrayBuffer> {
  const { parquetWriteBuffer } = await import("hyparquet-writer");
  const names = [...new Set(rows.flatMap((row) => Object.keys(row as object)))];
  const columnData = names.map((name) => {
    const data = rows.map((row) => (row as Record<string, unknown>)[name] ?? null);
    const sample = data.find((v) => v !== null);
    const type = typeof sample === "string" ? "STRING" : typeof sample === "number" ? (data.every((v) => v === null || Number.isInteger(v)) ? "INT64" : "DOUBLE") : typeof sample === "boolean" ? "BOOLEAN" : "JSON";
    return { name, data: type === "INT64" ? data.map((v) => (v === null ? null : BigInt(v as number))) : data, type } as const;
  });
  return parquetWriteBuffer({ columnData: columnData as never });
}

export interface PreparedFiles {
  train: string;
  test?: string;
  meta: string;
}

/** Summary of a prepare: what `studio prepare --json` prints and meta.json holds. */
export function preparedSummary(prepared: PreparedData) {
  const dropped = Object.fromEntries(
    Object.entries(prepared.meta.dropped)
      .filter(([, d]) => d.count > 0)
      .map(([reason, d]) => [reason, d.count]),
  );
  return { train: prepared.train.length, test: prepared.test.length, dropped };
}

export async function writePrepared(dir: string, prepared: PreparedData, format: "jsonl" | "parquet" = "jsonl"): Promise<PreparedFiles> {
  await fs.promises.mkdir(dir, { recursive: true });
  const write = async (name: string, rows: readonly Row[]) => {
    const file = path.join(/*turbopackIgnore: true*/ dir, `${name}.${format}`);
    if (format === "jsonl") await fs.promises.writeFile(file, toJsonLines(rows));
    else await fs.promises.writeFile(file, Buffer.from(await toParquet(rows)));
    return file;
  };
  const train = await write("train", prepared.train);
  const test = prepared.test.length > 0 ? await write("test", prepared.test) : undefined;
  const meta = path.join(/*turbopackIgnore: true*/ dir, "meta.json");
  const { dropped: _dropped, ...metaRest } = prepared.meta;
  await fs.promises.writeFile(
    meta,
    JSON.stringify({ ...metaRest, ...preparedSummary(prepared), droppedRecords: prepared.meta.dropped }, null, 2) + "\n",
  );
  return { train, test, meta };
}
