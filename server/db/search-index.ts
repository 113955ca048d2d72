/**
 * Full-text search over a dataset's field texts. One partial GIN expression index per dataset,
 * built in bulk once its import has committed (bulk building is several times cheaper than
 * maintaining an index row by row during COPY). Until it exists, search still works, unindexed.
 * SEARCH_VECTOR is the expression both the index and the query use: they must match exactly.
 */
import type pg from "pg";

export const SEARCH_VECTOR = `jsonb_to_tsvector('simple'::regconfig, r.fields, '["string"]'::jsonb)`;

export function searchIndexName(datasetId: number): string {
  return `record_search_${datasetId}`;
}

export async function buildSearchIndex(db: pg.Pool, datasetId: number): Promise<void> {
  if (!Number.isInteger(datasetId)) throw new Error("dataset id must be an integer");
  await db.query(
    `CREATE INDEX IF NOT EXISTS ${searchIndexName(datasetId)} ON record USING gin ((${SEARCH_VECTOR.replace(/r\./g, "")})) WHERE dataset_id = ${datasetId}`,
  );
}
