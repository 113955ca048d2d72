-- CreateSchema
CREATE SCHEMA IF NOT EXISTS "public";

-- CreateEnum
CREATE TYPE "response_status" AS ENUM ('submitted', 'draft', 'discarded');

-- CreateTable
CREATE TABLE "dataset" (
    "id" SERIAL NOT NULL,
    "name" TEXT NOT NULL,
    "settings" JSONB NOT NULL,
    "record_count" INTEGER NOT NULL DEFAULT 0,
    "response_count" INTEGER NOT NULL DEFAULT 0,
    "suggestion_count" INTEGER NOT NULL DEFAULT 0,
    "annotator_count" INTEGER NOT NULL DEFAULT 0,
    "source" TEXT,
    "imported_at" TIMESTAMP(3) NOT NULL DEFAULT CURRENT_TIMESTAMP,

    CONSTRAINT "dataset_pkey" PRIMARY KEY ("id")
);

-- CreateTable
CREATE TABLE "annotator" (
    "dataset_id" INTEGER NOT NULL,
    "id" INTEGER NOT NULL,
    "user_id" TEXT,
    "response_count" INTEGER NOT NULL DEFAULT 0,

    CONSTRAINT "annotator_pkey" PRIMARY KEY ("dataset_id","id")
);

-- CreateTable
CREATE TABLE "record" (
    "dataset_id" INTEGER NOT NULL,
    "idx" INTEGER NOT NULL,
    "external_id" TEXT,
    "fields" JSONB NOT NULL,
    "metadata" JSONB NOT NULL DEFAULT '{}',
    "vectors" JSONB,
    "search" tsvector GENERATED ALWAYS AS (jsonb_to_tsvector('simple'::regconfig, "fields", '["string"]'::jsonb)) STORED,

    CONSTRAINT "record_pkey" PRIMARY KEY ("dataset_id","idx")
);

-- CreateTable
CREATE TABLE "response" (
    "dataset_id" INTEGER NOT NULL,
    "record_idx" INTEGER NOT NULL,
    "annotator_id" INTEGER NOT NULL,
    "position" SMALLINT NOT NULL,
    "status" "response_status" NOT NULL,
    "values" JSONB NOT NULL,

    CONSTRAINT "response_pkey" PRIMARY KEY ("dataset_id","record_idx","annotator_id")
);

-- CreateTable
CREATE TABLE "suggestion" (
    "dataset_id" INTEGER NOT NULL,
    "record_idx" INTEGER NOT NULL,
    "question" TEXT NOT NULL,
    "value" JSONB NOT NULL,
    "score" JSONB,
    "agent" TEXT,
    "type" TEXT,

    CONSTRAINT "suggestion_pkey" PRIMARY KEY ("dataset_id","record_idx","question")
);

-- CreateIndex
CREATE UNIQUE INDEX "dataset_name_key" ON "dataset"("name");

-- AddForeignKey
ALTER TABLE "annotator" ADD CONSTRAINT "annotator_dataset_id_fkey" FOREIGN KEY ("dataset_id") REFERENCES "dataset"("id") ON DELETE CASCADE ON UPDATE CASCADE;


-- Full-text search over the field texts (Prisma cannot express a generated column or a GIN index).
CREATE INDEX "record_search_idx" ON "record" USING GIN ("search");
