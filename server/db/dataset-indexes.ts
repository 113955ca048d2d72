/**
 * A dataset's own indexes, built in bulk once its import has committed (bulk building is several
 * times cheaper than maintaining indexes row by row during COPY, and the dataset is browsable
 * meanwhile; filters and sorts just run unindexed until then):
 * - full-text search over the field texts: one partial GIN expression index;
 * - response and suggestion filters: one partial GIN index over the record facets;
 * - sort by a metadata value at a million records: one partial expression index per property.
 * The expressions must match the ones server/db/records.ts queries with, exactly.
 */
import { createHash } from "node:crypto";
import type pg from "pg";
import type { DatasetSettings } from "../feedback/schema";

export const SEARCH_VECTOR = `json_to_tsvector('simple'::regconfig, r.fields, '["string"]'::jsonb)`;

export function searchIndexName(datasetId: number): string {
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

/**
 * `analyze: false` leaves refreshing the table's statistics to the caller (one ANALYZE after
 * building several datasets' indexes, instead of one per dataset).
 */
export async function buildDatasetIndexes(db: pg.Pool, datasetId: number, settings: DatasetSettings, options: { analyze?: boolean } = {}): Promise<void> {
  if (!Number.isInteger(datasetId)) throw new Error("dataset id must be an integer");
  const unaliased = (expression: string) => expression.replace(/\br\./g, "");
  await db.query(`CREATE INDEX IF NOT EXISTS ${searchIndexName(datasetId)} ON record USING gin ((${unaliased(SEARCH_VECTOR)})) WHERE dataset_id = ${datasetId}`);
  await db.query(`CREATE INDEX IF NOT EXISTS ${facetsIndexName(datasetId)} ON record USING gin (facets) WHERE dataset_id = ${datasetId}`);
  const properties = (settings.metadata_properties ?? []).slice(0, MAX_SORT_INDEXES);
  for (const [position, property] of properties.entries()) {
    const key = unaliased(metadataSortKey(sqlString(property.name)));
    await db.query(`CREATE INDEX IF NOT EXISTS ${metadataIndexName(datasetId, position)} ON record ((${key}), idx) WHERE dataset_id = ${datasetId}`);
  }
  // Postgres ignores the statistics of partial indexes, so the search and sort expressions get
  // their own (table-wide) statistics; with them and the facets' element statistics the planner
  // can choose between walking records in order and these indexes. PostgreSQL < 14 has no
  // expression statistics: the indexes still work, with default estimates.
  const expressions = [
    { name: "record_stats_search", expression: unaliased(SEARCH_VECTOR) },
    ...properties.map((p) => ({
      name: `record_stats_meta_${createHash("sha1").update(p.name).digest("hex").slice(0, 16)}`,
      expression: unaliased(metadataSortKey(sqlString(p.name))),
    })),
  ];
  for (const { name, expression } of expressions) {
    await db.query(`CREATE STATISTICS IF NOT EXISTS ${name} ON (${expression}) FROM record`).catch(() => {});
  }
  if (options.analyze !== false) await db.query("ANALYZE record");
}

/**
 * Builds the indexes of every dataset that lacks them: an import whose background build was
 * interrupted, or a migration that rebuilt the record table. Cheap when all exist.
 */
export async function ensureDatasetIndexes(db: pg.Pool, log: (line: string) => void = () => {}): Promise<void> {
  const { rows } = await db.query<{ id: number; name: string; settings: DatasetSettings }>(
    "SELECT id, name, settings FROM dataset WHERE to_regclass('record_facets_' || id) IS NULL OR to_regclass('record_search_' || id) IS NULL ORDER BY id",
  );
  for (const dataset of rows) {
    log(`building the search and filter indexes of ${dataset.name}…`);
    await buildDatasetIndexes(db, dataset.id, dataset.settings, { analyze: false });
  }
  if (rows.length) await db.query("ANALYZE record");
}
