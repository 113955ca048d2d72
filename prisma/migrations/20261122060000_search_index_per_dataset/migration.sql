-- Maintaining a tsvector column and a GIN index row by row cost ~85% of import time. Full-text
-- search now uses one partial expression index per dataset, built in bulk after its import
-- (server/db/search-index.ts).
DROP INDEX IF EXISTS "record_search_idx";
ALTER TABLE "record" DROP COLUMN IF EXISTS "search";
