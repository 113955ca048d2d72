-- A record's responses and suggestions move into the record row (jsonb, in Argilla's nesting),
-- with `facets` (text[], see server/db/record-facets.ts) for filtering. One row per record makes
-- import, a records page and a training read one index range over one table, instead of three
-- tables joined per record. Existing data is carried over before the old tables are dropped.
ALTER TABLE "record"
  ADD COLUMN "responses" JSONB NOT NULL DEFAULT '[]',
  ADD COLUMN "suggestions" JSONB NOT NULL DEFAULT '[]',
  ADD COLUMN "facets" TEXT[] NOT NULL DEFAULT '{}';

UPDATE "record" r SET
  "responses" = COALESCE((
    SELECT jsonb_agg(jsonb_build_array(s.annotator_id, s.status::text, s.values) ORDER BY s.position)
    FROM "response" s WHERE s.dataset_id = r.dataset_id AND s.record_idx = r.idx), '[]'),
  "suggestions" = COALESCE((
    SELECT jsonb_agg(jsonb_build_array(g.question, g.value, g.score, g.agent, g.type) ORDER BY g.question)
    FROM "suggestion" g WHERE g.dataset_id = r.dataset_id AND g.record_idx = r.idx), '[]'),
  "facets" = ARRAY(
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
WHERE EXISTS (SELECT 1 FROM "response" s WHERE s.dataset_id = r.dataset_id AND s.record_idx = r.idx)
   OR EXISTS (SELECT 1 FROM "suggestion" g WHERE g.dataset_id = r.dataset_id AND g.record_idx = r.idx);

DROP TABLE "response";
DROP TABLE "suggestion";
DROP TYPE "response_status";
