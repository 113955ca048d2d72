/**
 * A dataset's own search vectors and indexes, built in bulk once its import has committed (bulk
 * building is several times cheaper than maintaining them row by row during COPY, and the dataset
 * is browsable meanwhile; filters and sorts just run unindexed until then):
 * - full-text search: every record's vector in `record_search`, with one partial GIN index on it;
 * - response and suggestion filters: one partial GIN index over the record facets, and the
 *   records holding each rare facet in `record_facet`;
 * - sort by a metadata value at a million records: one partial expression index per property.
 * Until `dataset.side_tables_ready`, a search computes each tested record's vector and a facet
 * filter tests each record's facets. The expressions must match the ones server/db/records.ts
 * queries with, exactly.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import type { DatasetSettings } from "../feedback/schema";

/** What `record_search.vector` holds for a record (the tsvector of its fields' strings). */
export const SEARCH_VECTOR = `json_to_tsvector('simple'::regconfig, r.fields, '["string"]'::jsonb)`;

export function searchIndexName(datasetId: number): string {
  return `record_search_vector_${datasetId}`;
}

/** The expression index on `record` that searches used before `record_search` (dropped when replaced). */
function legacySearchIndexName(datasetId: number): string {
  return `record_search_${datasetId}`;
}

/** A SQL string literal (standard_conforming_strings, the default since PostgreSQL 9.1). */
export function sqlString(value: string): string {
  return `'${value.replace(/'/g, "''")}'`;
}

/** The sort key of a metadata property; a missing value is jsonb null, which sorts first. */
export function metadataSortKey(nameSql: string): string {
  return `COALESCE(r.metadata -> ${nameSql}, 'null'::jsonb)`;
}

export function facetsIndexName(datasetId: number): string {
  return `record_facets_${datasetId}`;
}

export const MAX_SORT_INDEXES = 8;
export function metadataIndexName(datasetId: number, position: number): string {
  return `record_meta_${datasetId}_${position}`;
}

/** Every index a dataset may have, the replaced search index included (to drop them with it). */
export function datasetIndexNames(datasetId: number): string[] {
  return [searchIndexName(datasetId), legacySearchIndexName(datasetId), facetsIndexName(datasetId), ...Array.from({ length: MAX_SORT_INDEXES }, (_, i) => metadataIndexName(datasetId, i))];
}

/** A dataset's side tables, its search, filter and sort indexes, and fresh statistics; idempotent. */
export async function buildDatasetIndexes(db: pg.Pool, datasetId: number, settings: DatasetSettings): Promise<void> {
  if (!Number.isInteger(datasetId)) throw new Error("dataset id must be an integer");
  const unaliased = (expression: string) => expression.replace(/\br\./g, "");
  // A dataset deleted meanwhile gets no indexes (its deletion dropped any it had).
  if (!(await fillSideTables(db, datasetId))) return;
  await db.query(`CREATE INDEX IF NOT EXISTS ${searchIndexName(datasetId)} ON record_search USING gin (vector) WHERE dataset_id = ${datasetId}`);
  await db.query(`DROP INDEX IF EXISTS ${legacySearchIndexName(datasetId)}`);
  await db.query(`CREATE INDEX IF NOT EXISTS ${facetsIndexName(datasetId)} ON record USING gin (facets) WHERE dataset_id = ${datasetId}`);
  const properties = (settings.metadata_properties ?? []).slice(0, MAX_SORT_INDEXES);
  for (const [position, property] of properties.entries()) {
    const key = unaliased(metadataSortKey(sqlString(property.name)));
    await db.query(`CREATE INDEX IF NOT EXISTS ${metadataIndexName(datasetId, position)} ON record ((${key}), idx) WHERE dataset_id = ${datasetId}`);
  }
  // Postgres ignores the statistics of partial indexes, so the sort expressions get their own
  // (table-wide) statistics; with them and the element statistics of the facets and the search
  // vectors the planner can choose between walking records in order and these indexes.
  // PostgreSQL < 14 has no expression statistics: the indexes still work, with default estimates.
  for (const property of properties) {
    const name = `record_stats_meta_${createHash("sha1").update(property.name).digest("hex").slice(0, 16)}`;
    await db.query(`CREATE STATISTICS IF NOT EXISTS ${name} ON (${unaliased(metadataSortKey(sqlString(property.name)))}) FROM record`).catch(() => {});
  }
  await analyzeRecords(db);
}

async function analyzeRecords(db: pg.Pool): Promise<void> {
  await db.query("ANALYZE record, record_search, record_facet");
}

/** A facet is rare, and listed in record_facet, when at most this share of the records hold it. */
export const RARE_FACET_SHARE = 0.25;

/**
 * Fills a dataset's side tables in one transaction with the flag that says they are full, so a
 * read uses either all of their rows or none: ~23 s for the search vectors of a million short
 * records and ~8 s for their rare facets, single-threaded. False when the dataset no longer exists.
 */
async function fillSideTables(db: pg.Pool, datasetId: number): Promise<boolean> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    // Locks the dataset row: two builders of one dataset (an import's and a start's) take turns.
    const { rows } = await client.query<{ side_tables_ready: boolean; record_count: number }>("SELECT side_tables_ready, record_count FROM dataset WHERE id = $1 FOR UPDATE", [datasetId]);
    if (rows[0] && !rows[0].side_tables_ready) {
      await client.query("DELETE FROM record_search WHERE dataset_id = $1", [datasetId]);
      await client.query(`INSERT INTO record_search (dataset_id, idx, vector) SELECT r.dataset_id, r.idx, ${SEARCH_VECTOR} FROM record r WHERE r.dataset_id = $1 ORDER BY r.idx`, [datasetId]);
      const counts = await client.query<{ facet: string; n: number }>("SELECT f AS facet, count(*)::int AS n FROM record r, unnest(r.facets) f WHERE r.dataset_id = $1 GROUP BY f", [datasetId]);
      const rare = counts.rows.filter((c) => c.n <= RARE_FACET_SHARE * rows[0].record_count).map((c) => c.facet);
      await client.query("DELETE FROM record_facet WHERE dataset_id = $1", [datasetId]);
      await client.query("INSERT INTO record_facet (dataset_id, facet, idx) SELECT r.dataset_id, f, r.idx FROM record r, unnest(r.facets) f WHERE r.dataset_id = $1 AND f = ANY($2::text[]) ORDER BY f, r.idx", [datasetId, rare]);
      await client.query("UPDATE dataset SET side_tables_ready = true, rare_facets = $2 WHERE id = $1", [datasetId, rare]);
    }
    await client.query("COMMIT");
    return rows.length > 0;
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}

/**
 * Datasets that lack their side tables or indexes (an import whose build was cut short, or a
 * migration that rebuilt the record table): each gets an index job at start.
 */
export async function datasetsLackingIndexes(db: pg.Pool): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>(
    // The names facetsIndexName and searchIndexName give.
    "SELECT id FROM dataset WHERE NOT side_tables_ready OR to_regclass('record_facets_' || id) IS NULL OR to_regclass('record_search_vector_' || id) IS NULL ORDER BY id",
  );
  return rows.map((row) => row.id);
}
