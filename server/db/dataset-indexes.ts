/**
 * A dataset's own indexes, built in bulk once its import has committed (bulk building is several
 * times cheaper than maintaining indexes row by row during COPY, and the dataset is browsable
 * meanwhile; filters and sorts just run unindexed until then):
 * - full-text search over the field texts: one partial GIN expression index;
 * - response and suggestion filters: one partial GIN index over the record facets;
 * - sort by a metadata value at a million records: one partial expression index per property.
 * The expressions must match the ones server/db/records.ts queries with, exactly.
 */
import type pg from "pg";
import type { DatasetSettings } from "../feedback/schema";

export const SEARCH_VECTOR = `jsonb_to_tsvector('simple'::regconfig, r.fields, '["string"]'::jsonb)`;

export function searchIndexName(datasetId: number): string {
  return `record_search_${datasetId}`;
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

export async function buildDatasetIndexes(db: pg.Pool, datasetId: number, settings: DatasetSettings): Promise<void> {
  if (!Number.isInteger(datasetId)) throw new Error("dataset id must be an integer");
  const unaliased = (expression: string) => expression.replace(/\br\./g, "");
  await db.query(`CREATE INDEX IF NOT EXISTS ${searchIndexName(datasetId)} ON record USING gin ((${unaliased(SEARCH_VECTOR)})) WHERE dataset_id = ${datasetId}`);
  await db.query(`CREATE INDEX IF NOT EXISTS ${facetsIndexName(datasetId)} ON record USING gin (facets) WHERE dataset_id = ${datasetId}`);
  const properties = (settings.metadata_properties ?? []).slice(0, MAX_SORT_INDEXES);
  for (const [position, property] of properties.entries()) {
    const key = unaliased(metadataSortKey(`'${property.name.replace(/'/g, "''")}'`));
    await db.query(`CREATE INDEX IF NOT EXISTS ${metadataIndexName(datasetId, position)} ON record ((${key}), idx) WHERE dataset_id = ${datasetId}`);
  }
  // Facet element and index expression statistics let the planner choose between walking
  // records in order and these indexes.
  await db.query("ANALYZE record");
}
