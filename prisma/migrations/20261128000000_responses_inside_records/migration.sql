-- A record's responses and suggestions move into the record row, in Argilla's nesting, with
-- `facets` (text[], see server/db/record-facets.ts) for filtering. One row per record makes
-- import, a records page and a training read one index range over one table, instead of three
-- tables joined per record.
--
-- Columns that are only stored and returned (fields, vectors, responses, suggestions) are `json`:
-- Postgres sends json as the text it keeps, while turning jsonb back into text cost 9 µs per
-- record when streaming a dataset out for training. `metadata` stays jsonb: filters and sorts
-- compare its values.
--
-- The table is rebuilt with existing data carried over. That drops the per-dataset search and
-- sort indexes (their expressions were on jsonb fields): the studio rebuilds missing dataset
-- indexes when it starts (server/db/dataset-indexes.ts, ensureDatasetIndexes).
CREATE TABLE "record_new" (
    "dataset_id" INTEGER NOT NULL,
    "idx" INTEGER NOT NULL,
    "external_id" TEXT,
    "fields" JSON NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "vectors" JSON,
    "responses" JSON NOT NULL DEFAULT '[]',
    "suggestions" JSON NOT NULL DEFAULT '[]',
    "facets" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[],

    CONSTRAINT "record_new_pkey" PRIMARY KEY ("dataset_id","idx")
);

INSERT INTO "record_new" (dataset_id, idx, external_id, fields, metadata, vectors, responses, suggestions, facets)
SELECT r.dataset_id, r.idx, r.external_id, r.fields::json, r.metadata, r.vectors::json,
  COALESCE((
    SELECT json_agg(json_build_array(s.annotator_id, s.status::text, s.values) ORDER BY s.position)
    FROM "response" s WHERE s.dataset_id = r.dataset_id AND s.record_idx = r.idx), '[]'),
  COALESCE((
    SELECT json_agg(json_build_array(g.question, g.value, g.score, g.agent, g.type) ORDER BY g.question)
    FROM "suggestion" g WHERE g.dataset_id = r.dataset_id AND g.record_idx = r.idx), '[]'),
  ARRAY(
    SELECT DISTINCT t FROM (
      SELECT unnest(ARRAY['a' || s.annotator_id, 'a' || s.annotator_id || ':' || s.status, 's:' || s.status]) AS t
        FROM "response" s WHERE s.dataset_id = r.dataset_id AND s.record_idx = r.idx
      UNION ALL
      SELECT unnest(ARRAY['q:' || q, 'q:' || q || ':' || s.status])
        FROM "response" s, jsonb_object_keys(s.values) AS q WHERE s.dataset_id = r.dataset_id AND s.record_idx = r.idx
      UNION ALL
      SELECT unnest(ARRAY['g', 'g:' || g.question])
        FROM "suggestion" g WHERE g.dataset_id = r.dataset_id AND g.record_idx = r.idx
    ) tokens ORDER BY t)
FROM "record" r;

DROP TABLE "record";
DROP TABLE "response";
DROP TABLE "suggestion";
DROP TYPE "response_status";
ALTER TABLE "record_new" RENAME TO "record";
ALTER TABLE "record" RENAME CONSTRAINT "record_new_pkey" TO "record_pkey";
