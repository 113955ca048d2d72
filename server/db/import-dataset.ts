/**
 * Writes one parsed export into PostgreSQL as one transaction: records (each with its responses,
 * suggestions and facets) stream in with COPY in batches, and so do their digests
 * (record-digest.ts), so nothing of a failed import remains and memory stays flat whatever the
 * dataset size. While Postgres ingests one batch, the next is parsed.
 */
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import type { DatasetSettings, FeedbackRecord } from "../feedback/schema";
import { ImportError } from "../feedback/errors";
import { forgetDataset } from "./datasets";
import { recordFacets, textArrayLiteral } from "./record-facets";
import { writeDigestBlocks } from "./record-digest";
import { DigestWriter } from "../feedback/record-digest";

export interface ImportInput {
  name: string;
  source: string;
  settings: DatasetSettings;
  records: AsyncIterable<{ record: FeedbackRecord; file: string; line?: number; row?: number }>;
  onProgress?: (rowsRead: number) => void;
}

export interface ImportSummary {
  dataset: string;
  datasetId: number;
  records: number;
  /** one per annotator per record */
  responses: number;
  suggestions: number;
  annotators: number;
}

const BATCH_RECORDS = 5000;

/** COPY text format: backslash, newline, carriage return and tab must be escaped; null is \N. */
function copyText(value: string | null | undefined): string {
  if (value === null || value === undefined) return "\\N";
  return value.replace(/[\\\n\r\t]/g, (c) => (c === "\\" ? "\\\\" : c === "\n" ? "\\n" : c === "\r" ? "\\r" : "\\t"));
}

/** JSON.stringify never emits raw control characters, so only backslashes need doubling. */
function copyJson(value: unknown): string {
  if (value === null || value === undefined) return "\\N";
  return JSON.stringify(value).replace(/\\/g, "\\\\");
}

async function copyRows(client: pg.PoolClient, sql: string, lines: string[]): Promise<void> {
  if (lines.length === 0) return;
  const stream = client.query(copyFrom(sql));
  await new Promise<void>((resolve, reject) => {
    stream.on("finish", resolve);
    stream.on("error", reject);
    stream.end(lines.join(""));
  });
}

interface Batch {
  records: string[];
  locations: string[];
}

const newBatch = (): Batch => ({ records: [], locations: [] });

export async function importDataset(pool: pg.Pool, input: ImportInput): Promise<ImportSummary> {
  const client = await pool.connect();
  let batch = newBatch();
  let inFlight: Promise<void> = Promise.resolve();
  try {
    await client.query("BEGIN");
    const existing = await client.query("SELECT 1 FROM dataset WHERE name = $1", [input.name]);
    if (existing.rowCount) throw new ImportError({ file: input.source, problem: `a dataset named "${input.name}" already exists; choose another name` });
    const { rows } = await client.query<{ id: number }>(
      "INSERT INTO dataset (name, settings, source) VALUES ($1, $2, $3) RETURNING id",
      [input.name, JSON.stringify(input.settings), input.source],
    );
    const datasetId = rows[0].id;

    const annotatorIds = new Map<string | null, number>();
    const annotatorResponses: number[] = [];
    let recordCount = 0;
    let responseCount = 0;
    let suggestionCount = 0;

    const flush = (b: Batch) =>
      copyRows(client, "COPY record (dataset_id, idx, external_id, fields, metadata, vectors, responses, suggestions, facets) FROM STDIN", b.records)
        .catch((error: Error & { where?: string }) => {
          // Map "COPY record, line N" back to the row of the export file (a json error's context
          // starts with "JSON data, line 1", the line inside the value: not that one).
          const line = /COPY record, line (\d+)/.exec(error.where ?? "")?.[1];
          const at = line ? b.locations[Number(line) - 1] : undefined;
          throw new ImportError({ file: at ?? input.source, problem: `the database rejected this record: ${error.message}`, cause: error });
        });

    const digests = new DigestWriter(input.settings);
    for await (const { record, file, line, row } of input.records) {
      const idx = recordCount++;
      digests.add(idx, record);
      const annotatorsOfResponses = record.responses.map((response) => {
        let annotatorId = annotatorIds.get(response.userId);
        if (annotatorId === undefined) {
          annotatorId = annotatorIds.size;
          annotatorIds.set(response.userId, annotatorId);
          annotatorResponses.push(0);
        }
        annotatorResponses[annotatorId]++;
        return annotatorId;
      });
      responseCount += record.responses.length;
      suggestionCount += record.suggestions.length;
      const responses = record.responses.map((response, i) => [annotatorsOfResponses[i], response.status, response.values]);
      const suggestions = record.suggestions.map((s) => [s.question, s.value, s.score, s.agent, s.type]);
      batch.records.push(
        `${datasetId}\t${idx}\t${copyText(record.externalId)}\t${copyJson(record.fields)}\t${copyJson(record.metadata ?? {})}\t${copyJson(record.vectors ?? null)}\t${copyJson(responses)}\t${copyJson(suggestions)}\t${copyText(textArrayLiteral(recordFacets(record, annotatorsOfResponses)))}\n`,
      );
      batch.locations.push(line !== undefined ? `${file} line ${line}` : `${file} row ${row ?? idx + 1}`);
      if (batch.records.length >= BATCH_RECORDS) {
        const full = batch;
        batch = newBatch();
        await inFlight; // at most one batch in Postgres while the next one is parsed
        await writeDigestBlocks(client, datasetId, digests.take());
        inFlight = flush(full);
        input.onProgress?.(recordCount);
      }
    }
    await inFlight;
    await flush(batch);
    batch = newBatch();
    input.onProgress?.(recordCount);
    if (recordCount === 0) throw new ImportError({ file: input.source, problem: "the export holds no records" });
    await writeDigestBlocks(client, datasetId, digests.end());

    if (annotatorIds.size > 0) {
      const ids = [...annotatorIds.entries()];
      await client.query(
        `INSERT INTO annotator (dataset_id, id, user_id, response_count)
         SELECT $1, a.id, a.user_id, a.n FROM unnest($2::int[], $3::text[], $4::int[]) AS a(id, user_id, n)`,
        [datasetId, ids.map(([, id]) => id), ids.map(([userId]) => userId), ids.map(([, id]) => annotatorResponses[id])],
      );
    }
    await client.query(
      "UPDATE dataset SET record_count = $2, response_count = $3, suggestion_count = $4, annotator_count = $5, digest_ready = true WHERE id = $1",
      [datasetId, recordCount, responseCount, suggestionCount, annotatorIds.size],
    );
    await client.query("COMMIT");
    forgetDataset(input.name);
    return { dataset: input.name, datasetId, records: recordCount, responses: responseCount, suggestions: suggestionCount, annotators: annotatorIds.size };
  } catch (error) {
    // A batch may still be on its way in: ROLLBACK must come after its last COPY, or that COPY
    // would run outside the transaction and commit on its own.
    await inFlight.catch(() => {});
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
