/**
 * The digest fast path, fenced: a default text-classification prepare, and its diagnostics, from
 * the records' digests (server/feedback/record-digest.ts, written at import) instead of their
 * JSON. Nothing outside this folder knows how: the services ask tryDigestPrepare /
 * tryDigestDiagnose and, on null, take the records path. Both give what the records path gives
 * (digest-prepare.test.ts, tests/db/diagnostics.test.ts).
 */
import type { Database } from "../../db/client";
import type { DatasetDetail } from "../../db/datasets";
import { listRecordsByIndexes, readFieldTexts } from "../../db/records";
import type { DiagnosticsReport, PreparedData, PreparedMeta } from "../../training";
import type { PrepareOptions } from "../prepare";
import { createDigestPrepare, digestPositions, IrregularDigestError, type DigestPrepare } from "./digest-prepare";
import { streamDigest } from "./read-digests";

type Db = Pick<Database, "pool" | "bulk">;
type Positions = { field: number; question: number };

/**
 * The prepared data from the digests, or null when they cannot serve this prepare (another task,
 * framework or order, a dataset without digests, a digest that cannot stand for its record): the
 * caller then reads the records.
 */
export async function tryDigestPrepare(db: Db, dataset: DatasetDetail, options: PrepareOptions): Promise<PreparedData | null> {
  const positions = positionsFor(dataset, options);
  if (!positions) return null;
  // The texts are read while the digests are: Postgres walks the records while Node unifies.
  const stop = new AbortController();
  const signal = options.signal ? AbortSignal.any([options.signal, stop.signal]) : stop.signal;
  const texts = readFieldTexts(db.bulk, dataset.id, dataset.settings.fields[positions.field]!.name, signal);
  texts.catch(() => {}); // awaited below, or abandoned
  try {
    const digest = await digested(db, dataset, positions, options);
    if (!digest) return null;
    const byIdx = await texts;
    return digest.prepared((idx) => byIdx[idx]!);
  } catch (error) {
    if (error instanceof IrregularDigestError) return null;
    throw error;
  } finally {
    stop.abort();
  }
}

/**
 * The diagnostics report from the digests (the texts of the few example records read afterwards),
 * or null when they cannot serve it (as tryDigestPrepare; token histograms need the rows' texts).
 */
export async function tryDigestDiagnose(
  db: Db,
  dataset: DatasetDetail,
  options: PrepareOptions & { tokens?: unknown },
): Promise<{ report: DiagnosticsReport; meta: PreparedMeta } | null> {
  const positions = options.tokens ? null : positionsFor(dataset, options);
  const digest = positions && (await digested(db, dataset, positions, options));
  if (!digest) return null;
  const result = digest.report();
  const records = new Map((await listRecordsByIndexes(db.pool, dataset.id, result.exampleRecords)).map((r) => [r.index, r]));
  const field = dataset.settings.fields[positions.field]!.name;
  return { report: result.report((idx) => String(records.get(idx)?.fields[field] ?? "")), meta: result.meta };
}

/** Where the digests hold what this prepare reads (a task they serve, records in insertion order), or null. */
function positionsFor(dataset: DatasetDetail, options: PrepareOptions): Positions | null {
  const inOrder = !options.sortBy || (options.sortBy.by === "index" && options.sortBy.order !== "desc");
  return dataset.digestReady && inOrder ? digestPositions(dataset.settings, options.task, options.framework) : null;
}

/** The dataset's digests run through the digest prepare; null when one cannot stand for its record. */
async function digested(db: Db, dataset: DatasetDetail, positions: Positions, options: PrepareOptions): Promise<DigestPrepare | null> {
  const digest = await createDigestPrepare({ ...options, settings: dataset.settings, recordCount: dataset.recordCount });
  try {
    await streamDigest(db.bulk, dataset, positions, (record) => digest.add(record), options.signal);
  } catch (error) {
    if (error instanceof IrregularDigestError) return null;
    throw error;
  }
  return digest;
}
