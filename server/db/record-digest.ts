/**
 * `record_digest`: a dataset's record digests (server/feedback/record-digest.ts), one row per block
 * of records, each part a bytea. They are written in the import's transaction (the import has
 * parsed every record anyway: ~1 µs a record), or from the records for datasets imported before
 * digests existed (digestDataset, a job queued at start); `dataset.digest_ready` says a dataset has them. They
 * are read by the digest prepare alone (server/services/digest-prepare/read-digests.ts).
 * Records never change after their import. A row per record cost Postgres 1.6 s to send for a
 * million records; a block of 4,096 packed records per row, ~0.1 s.
 */
import type pg from "pg";
import { from as copyFrom } from "pg-copy-streams";
import { DigestWriter, type DigestBlock } from "../feedback/record-digest";
import type { DatasetSettings } from "../feedback/schema";
import { streamRecords } from "./records";

/** Writes digest blocks with COPY (bytea in hex). */
export async function writeDigestBlocks(client: pg.PoolClient, datasetId: number, blocks: readonly DigestBlock[]): Promise<void> {
  if (blocks.length === 0) return;
  const hex = (b: Buffer) => `\\\\x${b.toString("hex")}`;
  const stream = client.query(copyFrom("COPY record_digest (dataset_id, block, records, idx, statuses, text_keys, text_lengths, answer_counts, answers) FROM STDIN"));
  await new Promise<void>((resolve, reject) => {
    stream.on("finish", resolve);
    stream.on("error", reject);
    for (const b of blocks) {
      stream.write(`${datasetId}\t${b.block}\t${b.records}\t${hex(b.idx)}\t${hex(b.statuses)}\t${hex(b.textKeys)}\t${hex(b.textLengths)}\t${hex(b.answerCounts)}\t${hex(b.answers)}\n`);
    }
    stream.end();
  });
}

/** Datasets without digests (imported before digests existed): each gets a digest job at start. */
export async function datasetsLackingDigests(db: pg.Pool): Promise<number[]> {
  const { rows } = await db.query<{ id: number }>("SELECT id FROM dataset WHERE NOT digest_ready ORDER BY id");
  return rows.map((row) => row.id);
}

/**
 * Writes one dataset's digests from its records, in one transaction that locks its row, so two
 * digesters of one dataset take turns and the second finds nothing to do.
 */
export async function digestDataset(db: pg.Pool, dataset: { id: number; settings: DatasetSettings }): Promise<void> {
  const client = await db.connect();
  try {
    await client.query("BEGIN");
    const { rows: current } = await client.query("SELECT 1 FROM dataset WHERE id = $1 AND NOT digest_ready FOR UPDATE", [dataset.id]);
    if (current.length) {
      const writer = new DigestWriter(dataset.settings);
      for await (const record of streamRecords(db, dataset.id, { parts: "fields-and-responses" })) {
        writer.add(record.index, record);
        const blocks = writer.take();
        if (blocks.length) await writeDigestBlocks(client, dataset.id, blocks);
      }
      await writeDigestBlocks(client, dataset.id, writer.end());
      await client.query("UPDATE dataset SET digest_ready = true WHERE id = $1", [dataset.id]);
    }
    await client.query("COMMIT");
  } catch (error) {
    await client.query("ROLLBACK").catch(() => {});
    throw error;
  } finally {
    client.release();
  }
}
