-- record_digest: what full-dataset diagnostics of a default classification task read instead of
-- the records (server/feedback/record-digest.ts, server/db/record-digest.ts), written by the
-- import. One row per block of 4,096 records, each column the block's records packed end to end
-- as big-endian binary: idx (int4), response statuses as a bit mask (int2), per field a 53-bit
-- hash of its text (int8) and its length in code points (int4), then the submitted label and
-- rating answers as option positions (int2 count, int4 each).
-- Diagnostics at a million records spent 10 s parsing and matching the records' JSON, and a row
-- per record still cost Postgres 1.6 s to send.
-- EXTERNAL storage: out of line and uncompressed, so a read does not decompress.
-- dataset.digest_ready: the dataset's digests are written. Datasets imported before get theirs
-- at the next start.
CREATE TABLE "record_digest" (
    "dataset_id" INTEGER NOT NULL,
    "block" INTEGER NOT NULL,
    "records" INTEGER NOT NULL,
    "idx" BYTEA NOT NULL,
    "statuses" BYTEA NOT NULL,
    "text_keys" BYTEA NOT NULL,
    "text_lengths" BYTEA NOT NULL,
    "answer_counts" BYTEA NOT NULL,
    "answers" BYTEA NOT NULL,

    CONSTRAINT "record_digest_pkey" PRIMARY KEY ("dataset_id","block")
);

ALTER TABLE "record_digest" ALTER COLUMN "idx" SET STORAGE EXTERNAL, ALTER COLUMN "statuses" SET STORAGE EXTERNAL, ALTER COLUMN "text_keys" SET STORAGE EXTERNAL, ALTER COLUMN "text_lengths" SET STORAGE EXTERNAL, ALTER COLUMN "answer_counts" SET STORAGE EXTERNAL, ALTER COLUMN "answers" SET STORAGE EXTERNAL;

ALTER TABLE "dataset" ADD COLUMN "digest_ready" BOOLEAN NOT NULL DEFAULT false;
