-- Each record's full-text search vector, computed once when the row is written (about 20 us a
-- record) instead of on every search test of every page and count. The per-dataset search
-- indexes move from the expression to this column: server/db/dataset-indexes.ts replaces the
-- old ones at start (ensureDatasetIndexes).
ALTER TABLE "record" ADD COLUMN "search" tsvector GENERATED ALWAYS AS (json_to_tsvector('simple'::regconfig, "fields", '["string"]'::jsonb)) STORED;

-- Statistics on the old expression: the column has its own now.
DROP STATISTICS IF EXISTS record_stats_search;
