-- Tables beside the records, filled in bulk after an import commits (server/db/dataset-indexes.ts),
-- with the other per-dataset indexes. `dataset.side_tables_ready` says when a dataset's are full.
-- record_search: each record's search vector. A search tested each record by computing its vector
-- from its fields (~20 us a record). Computing it while COPY writes the records took the 1M import
-- from 24k to 14k records/s.
-- record_facet: for each facet held by at most a quarter of a dataset's records (its
-- `rare_facets`), the records that hold it, in idx order: a page filtered on one reads its matches
-- there instead of testing every record it walks past.
ALTER TABLE "dataset" ADD COLUMN "side_tables_ready" BOOLEAN NOT NULL DEFAULT false,
ADD COLUMN "rare_facets" TEXT[] NOT NULL DEFAULT ARRAY[]::TEXT[];

CREATE TABLE "record_search" (
    "dataset_id" INTEGER NOT NULL,
    "idx" INTEGER NOT NULL,
    "vector" tsvector NOT NULL,

    CONSTRAINT "record_search_pkey" PRIMARY KEY ("dataset_id","idx")
);

CREATE TABLE "record_facet" (
    "dataset_id" INTEGER NOT NULL,
    "facet" TEXT NOT NULL,
    "idx" INTEGER NOT NULL,

    CONSTRAINT "record_facet_pkey" PRIMARY KEY ("dataset_id","facet","idx")
);
