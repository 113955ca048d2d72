/**
 * Reads `record_digest` (written by server/db/record-digest.ts at import) for the digest prepare:
 * a dataset's digests in idx order, one binary COPY.
 */
import type pg from "pg";
import { copyRowsOut } from "../../db/copy-binary";
import { readDigestBlock, type RecordDigest } from "../../feedback/record-digest";
import type { DatasetSettings } from "../../feedback/schema";

/**
 * Streams a dataset's digests in idx order for one field and one question (positions in the
 * settings), calling `onRecord` for each record (the same object, refilled). One binary COPY.
 */
export async function streamDigest(
  db: pg.Pool,
  dataset: { id: number; settings: DatasetSettings },
  positions: { field: number; question: number },
  onRecord: (digest: RecordDigest) => void,
  signal?: AbortSignal,
): Promise<void> {
  if (!Number.isInteger(dataset.id)) throw new Error("dataset id must be an integer");
  const fieldCount = dataset.settings.fields.length;
  await copyRowsOut(
    db,
    `SELECT records, idx, statuses, text_keys, text_lengths, answer_counts, answers FROM record_digest WHERE dataset_id = ${dataset.id} ORDER BY block`,
    (buf, [records, idx, statuses, textKeys, textLengths, answerCounts, answers]) => {
      const layout = {
        records: buf.readInt32BE(records![0]),
        idx: idx![0],
        statuses: statuses![0],
        textKeys: textKeys![0],
        textLengths: textLengths![0],
        answerCounts: answerCounts![0],
        answers: answers![0],
      };
      readDigestBlock(buf, layout, fieldCount, positions, onRecord);
    },
    signal,
  );
}
