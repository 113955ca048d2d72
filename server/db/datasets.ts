/**
 * Dataset reads (plain pg: every procedure looks its dataset up, and a Prisma query cost 1.6 ms of
 * CPU where this one costs 0.4 ms) and deletion (Prisma, a rare operation).
 */
import type pg from "pg";
import type { PrismaClient } from "@prisma/client";
import { datasetSettingsSchema, type DatasetSettings } from "../feedback/schema";
import { datasetIndexNames } from "./dataset-indexes";

export interface DatasetSummary {
  id: number;
  name: string;
  source: string | null;
  recordCount: number;
  responseCount: number;
  suggestionCount: number;
  annotatorCount: number;
  questionCount: number;
  importedAt: Date;
}

export interface DatasetDetail extends DatasetSummary {
  /** record_search and record_facet hold this dataset's rows (see dataset-indexes.ts) */
  sideTablesReady: boolean;
  /** the facets record_facet lists */
  rareFacets: string[];
  /** record_digest holds this dataset's record digests (see record-digest.ts) */
  digestReady: boolean;
  settings: DatasetSettings;
}

interface DatasetRow {
  id: number;
  name: string;
  source: string | null;
  record_count: number;
  response_count: number;
  suggestion_count: number;
  annotator_count: number;
  settings: unknown;
  imported_at: Date;
  side_tables_ready: boolean;
  rare_facets: string[];
  digest_ready: boolean;
}

// imported_at is a timestamp without zone written by the server's clock (DEFAULT CURRENT_TIMESTAMP,
// in the session time zone); read as timestamptz it comes back as the right instant.
const DATASET_COLUMNS = "id, name, source, record_count, response_count, suggestion_count, annotator_count, settings, imported_at::timestamptz AS imported_at, side_tables_ready, rare_facets, digest_ready";

function toDetail(row: DatasetRow): DatasetDetail {
  const settings = datasetSettingsSchema.parse(row.settings);
  return {
    id: row.id,
    name: row.name,
    source: row.source,
    recordCount: row.record_count,
    responseCount: row.response_count,
    suggestionCount: row.suggestion_count,
    annotatorCount: row.annotator_count,
    questionCount: settings.questions.length,
    importedAt: row.imported_at,
    sideTablesReady: row.side_tables_ready,
    rareFacets: row.rare_facets,
    digestReady: row.digest_ready,
    settings,
  };
}

export async function listDatasets(db: pg.Pool): Promise<DatasetSummary[]> {
  const { rows } = await db.query<DatasetRow>(`SELECT ${DATASET_COLUMNS} FROM dataset ORDER BY imported_at DESC`);
  return rows.map((row) => {
    const { settings: _settings, sideTablesReady: _ready, rareFacets: _rare, digestReady: _digest, ...summary } = toDetail(row);
    return summary;
  });
}

export async function findDataset(db: pg.Pool, name: string): Promise<DatasetDetail | null> {
  const { rows } = await db.query<DatasetRow>(`SELECT ${DATASET_COLUMNS} FROM dataset WHERE name = $1`, [name]);
  return rows[0] ? toDetail(rows[0]) : null;
}

/** By id: what jobs hold (a name can be deleted and imported again). */
export async function findDatasetById(db: pg.Pool, id: number): Promise<DatasetDetail | null> {
  const { rows } = await db.query<DatasetRow>(`SELECT ${DATASET_COLUMNS} FROM dataset WHERE id = $1`, [id]);
  return rows[0] ? toDetail(rows[0]) : null;
}

export class DatasetNotFoundError extends Error {
  constructor(name: string) {
    super(`No dataset named "${name}"`);
    this.name = "DatasetNotFoundError";
  }
}

/**
 * Every procedure looks its dataset up by name, and a dataset never changes after its import:
 * only deleting or importing one changes what a name means. This process forgets a name as soon
 * as it does either; an entry lives 2 s, which bounds how long a change made by another process
 * (the CLI) goes unseen. The lookup was a quarter of a records page's Node CPU.
 */
const LOOKUP_TTL_MS = 2_000;
// On globalThis: Next may bundle this module more than once (the tRPC route, the export route),
// and a name one of them forgets must be forgotten by all.
const globalForLookups = globalThis as unknown as { studioDatasetLookups?: Map<string, { dataset: DatasetDetail; at: number }> };
const lookups = (globalForLookups.studioDatasetLookups ??= new Map());
const lookupKey = (db: pg.Pool, name: string) => `${db.options.connectionString ?? ""}\u0000${name}`;

export async function getDataset(db: pg.Pool, name: string): Promise<DatasetDetail> {
  const key = lookupKey(db, name);
  const cached = lookups.get(key);
  if (cached && performance.now() - cached.at < LOOKUP_TTL_MS) return cached.dataset;
  const dataset = await findDataset(db, name);
  if (!dataset) {
    lookups.delete(key);
    throw new DatasetNotFoundError(name);
  }
  lookups.set(key, { dataset, at: performance.now() });
  return dataset;
}

/** Drops what this process remembers about a dataset name (after deleting or importing it). */
export function forgetDataset(name: string): void {
  for (const key of lookups.keys()) if (key.endsWith(`\u0000${name}`)) lookups.delete(key);
}

/** Records have no foreign key (see schema.prisma): delete them here, with the dataset, its side tables and its indexes. */
export async function deleteDataset(db: { pool: pg.Pool; prisma: PrismaClient }, name: string): Promise<void> {
  const dataset = await getDataset(db.pool, name);
  // Deleting a million records takes longer than Prisma's default 5 s transaction timeout.
  await db.prisma.$transaction(
    async (tx) => {
      await tx.record.deleteMany({ where: { datasetId: dataset.id } });
      await tx.recordSearch.deleteMany({ where: { datasetId: dataset.id } });
      await tx.recordFacet.deleteMany({ where: { datasetId: dataset.id } });
      await tx.recordDigest.deleteMany({ where: { datasetId: dataset.id } });
      await tx.dataset.delete({ where: { id: dataset.id } });
      for (const index of datasetIndexNames(dataset.id)) await tx.$executeRawUnsafe(`DROP INDEX IF EXISTS ${index}`);
    },
    { timeout: 30 * 60_000, maxWait: 60_000 },
  );
  forgetDataset(name);
}
