-- Search vectors, stored beside the records. A search tested each record by computing its vector
-- from its fields (~20 us a record). Computing them while COPY writes the records took the 1M import
-- from 24k to 14k records/s, so they are filled in bulk after the import commits, with the other
-- per-dataset indexes, and `dataset.search_ready` says when a dataset's vectors are all there.
ALTER TABLE "dataset" ADD COLUMN "search_ready" BOOLEAN NOT NULL DEFAULT false;

CREATE TABLE "record_search" (
    "dataset_id" INTEGER NOT NULL,
    "idx" INTEGER NOT NULL,
    "vector" tsvector NOT NULL,

    CONSTRAINT "record_search_pkey" PRIMARY KEY ("dataset_id","idx")
);
