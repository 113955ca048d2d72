/**
 * Record digests: what a default classification prepare and its diagnostics need of each record
 * (server/services/digest-prepare/), computed once when the record is imported, so that they
 * never parse the records' JSON. Records are digested in blocks of DIGEST_BLOCK
 * (by idx); each part of a block is its records' values packed end to end, big-endian:
 * - `idx`: int4 per record, ascending;
 * - `statuses`: int2 per record, a bit mask of its response statuses (STATUS_BITS), with
 *   HAS_RESPONSE set when it has any response;
 * - `textKeys` / `textLengths`: per record, per field of the settings, a 53-bit hash of the text
 *   (int8; MISSING_TEXT for a missing or empty one, NOT_TEXT for a value that is no string) and
 *   its length in code points (int4);
 * - `answerCounts` (int2 per record) and `answers` (int4 each): the submitted answers to the label
 *   and rating questions, in response order, each `question position × 65536 + option position`
 *   (UNKNOWN_OPTION for a value that is no option).
 */
import { questionOptions, type DatasetSettings, type FeedbackResponse, type QuestionSettings } from "./schema";

export const DIGEST_BLOCK = 4096;
export const STATUS_BITS = { submitted: 1, draft: 2, discarded: 4 } as const;
export const HAS_RESPONSE = 8;
export const MISSING_TEXT = -2;
export const NOT_TEXT = -1;
export const UNKNOWN_OPTION = 0xffff;

/** Questions whose answers a digest holds: their answers are options. */
export function isDigestQuestion(question: QuestionSettings): boolean {
  return question.type === "label_selection" || question.type === "rating";
}

/**
 * A 53-bit hash of a text (cyrb53, public domain). Diagnostics take two texts with the same key to
 * be the same (a prepare compares them): among a million distinct texts, some two share a key with
 * a chance of about 1 in 18,000.
 */
export function textKey(text: string): number {
  return hashText(text).key;
}

/** The text's key and its length in code points, in one pass (the import digests every text). */
function hashText(text: string): { key: number; length: number } {
  let h1 = 0xdeadbeef;
  let h2 = 0x41c6ce57;
  let pairs = 0;
  let high = false; // the previous unit was a high surrogate
  for (let i = 0; i < text.length; i++) {
    const ch = text.charCodeAt(i);
    h1 = Math.imul(h1 ^ ch, 2654435761);
    h2 = Math.imul(h2 ^ ch, 1597334677);
    if (high && ch >= 0xdc00 && ch <= 0xdfff) {
      pairs++; // a surrogate pair is one code point
      high = false;
    } else high = ch >= 0xd800 && ch <= 0xdbff;
  }
  h1 = Math.imul(h1 ^ (h1 >>> 16), 2246822507);
  h1 ^= Math.imul(h2 ^ (h2 >>> 13), 3266489909);
  h2 = Math.imul(h2 ^ (h2 >>> 16), 2246822507);
  h2 ^= Math.imul(h1 ^ (h1 >>> 13), 3266489909);
  return { key: 4294967296 * (2097151 & h2) + (h1 >>> 0), length: text.length - pairs };
}

export interface DigestBlock {
  block: number;
  records: number;
  idx: Buffer;
  statuses: Buffer;
  textKeys: Buffer;
  textLengths: Buffer;
  answerCounts: Buffer;
  answers: Buffer;
}

/** A record as the digest reads it. */
export interface DigestedRecord {
  fields: Record<string, unknown>;
  responses: readonly Pick<FeedbackResponse, "status" | "values">[];
}

interface DigestQuestion {
  name: string;
  position: number;
  /** Option positions by value: labels are strings, ratings numbers (a value matches an option of its type). */
  options: Map<string | number, number>;
}

/** Digests records given in idx order; `take()` hands over each block once it is complete (all at `end`). */
export class DigestWriter {
  private readonly fields: string[];
  private readonly questions: DigestQuestion[];
  private block = -1;
  private records = 0;
  private parts: ReturnType<DigestWriter["newParts"]>;
  private answers: number[] = [];
  private readonly done: DigestBlock[] = [];

  constructor(settings: DatasetSettings) {
    this.fields = settings.fields.map((f) => f.name);
    this.questions = settings.questions.flatMap((question, position) =>
      isDigestQuestion(question) ? [{ name: question.name, position, options: new Map(questionOptions(question).map((o, i) => [o, i])) }] : [],
    );
    this.parts = this.newParts();
  }

  add(idx: number, record: DigestedRecord): void {
    const block = Math.floor(idx / DIGEST_BLOCK);
    if (block !== this.block) {
      this.close();
      this.block = block;
    }
    const r = this.records++;
    const { idx: idxView, statuses: statusView, textKeys, textLengths, answerCounts } = this.parts.views;
    idxView.setInt32(4 * r, idx);
    let statuses = 0;
    for (const response of record.responses) statuses |= HAS_RESPONSE | (STATUS_BITS[response.status] ?? 0);
    statusView.setInt16(2 * r, statuses);
    for (let f = 0; f < this.fields.length; f++) {
      const value = record.fields[this.fields[f]!];
      const at = r * this.fields.length + f;
      let key: number;
      let length = 0;
      if (value === undefined || value === null || value === "") key = MISSING_TEXT;
      else if (typeof value !== "string") key = NOT_TEXT;
      else ({ key, length } = hashText(value));
      // An int8 as two int32 halves (exact for |key| < 2^53).
      const high = Math.floor(key / 4294967296);
      textKeys.setInt32(8 * at, high);
      textKeys.setUint32(8 * at + 4, key - high * 4294967296);
      textLengths.setInt32(4 * at, length);
    }
    let count = 0;
    for (const response of record.responses) {
      if (response.status !== "submitted") continue;
      for (const question of this.questions) {
        const value = response.values[question.name];
        if (value === undefined || value === null) continue;
        const option = typeof value === "string" || typeof value === "number" ? question.options.get(value) : undefined;
        // A label set of 65,535 options or more does not fit: such answers read as no option.
        this.answers.push(question.position * 65536 + (option !== undefined && option < UNKNOWN_OPTION ? option : UNKNOWN_OPTION));
        count++;
      }
    }
    answerCounts.setInt16(2 * r, count);
  }

  /** The blocks completed so far. */
  take(): DigestBlock[] {
    return this.done.splice(0);
  }

  /** Completes the last block; returns the blocks not yet taken. */
  end(): DigestBlock[] {
    this.close();
    return this.take();
  }

  private newParts() {
    const fields = this.fields.length;
    const buffers = {
      idx: Buffer.alloc(4 * DIGEST_BLOCK),
      statuses: Buffer.alloc(2 * DIGEST_BLOCK),
      textKeys: Buffer.alloc(8 * fields * DIGEST_BLOCK),
      textLengths: Buffer.alloc(4 * fields * DIGEST_BLOCK),
      answerCounts: Buffer.alloc(2 * DIGEST_BLOCK),
    };
    const view = (b: Buffer) => new DataView(b.buffer, b.byteOffset, b.byteLength);
    return {
      buffers,
      views: {
        idx: view(buffers.idx),
        statuses: view(buffers.statuses),
        textKeys: view(buffers.textKeys),
        textLengths: view(buffers.textLengths),
        answerCounts: view(buffers.answerCounts),
      },
    };
  }

  private close(): void {
    const n = this.records;
    if (n === 0) return;
    const { buffers } = this.parts;
    const fields = this.fields.length;
    const answers = Buffer.alloc(4 * this.answers.length);
    this.answers.forEach((code, i) => answers.writeInt32BE(code, 4 * i));
    this.done.push({
      block: this.block,
      records: n,
      idx: buffers.idx.subarray(0, 4 * n),
      statuses: buffers.statuses.subarray(0, 2 * n),
      textKeys: buffers.textKeys.subarray(0, 8 * fields * n),
      textLengths: buffers.textLengths.subarray(0, 4 * fields * n),
      answerCounts: buffers.answerCounts.subarray(0, 2 * n),
      answers,
    });
    this.records = 0;
    this.parts = this.newParts();
    this.answers = [];
  }
}

/** One record's digest for one field and one question, as readDigestBlock hands it over. */
export interface RecordDigest {
  idx: number;
  statuses: number;
  /** The field text's key; null when the text is missing or empty. */
  textKey: number | null;
  /** The text's length in code points. */
  textLength: number;
  /** Option positions of the submitted answers to the question, in response order. */
  options: readonly number[];
  /** The digest cannot stand for the record: an answer that is no option, a field value that is no text. */
  irregular: boolean;
}

/** Where a block's parts start in a buffer (as a binary COPY row lays them out), and its record count. */
export interface DigestBlockLayout {
  records: number;
  idx: number;
  statuses: number;
  textKeys: number;
  textLengths: number;
  answerCounts: number;
  answers: number;
}

/**
 * Reads one block's records for the field and question at the given positions of the settings,
 * calling `onRecord` with the same object each time, refilled: copy what you keep.
 */
export function readDigestBlock(
  buf: Buffer,
  at: DigestBlockLayout,
  fieldCount: number,
  positions: { field: number; question: number },
  onRecord: (digest: RecordDigest) => void,
): void {
  // A DataView's reads compile to single loads; Buffer's readInt32BE assembles bytes.
  const view = new DataView(buf.buffer, buf.byteOffset, buf.byteLength);
  const options: number[] = [];
  const digest: RecordDigest = { idx: 0, statuses: 0, textKey: null, textLength: 0, options, irregular: false };
  let answerAt = at.answers;
  for (let r = 0; r < at.records; r++) {
    const field = r * fieldCount + positions.field;
    const keyAt = at.textKeys + 8 * field;
    const key = view.getInt32(keyAt) * 4294967296 + view.getUint32(keyAt + 4);
    digest.idx = view.getInt32(at.idx + 4 * r);
    digest.statuses = view.getInt16(at.statuses + 2 * r);
    digest.textKey = key === MISSING_TEXT ? null : key;
    digest.textLength = view.getInt32(at.textLengths + 4 * field);
    digest.irregular = key === NOT_TEXT;
    // The options array is reused; its length is set only when it changes (setting it costs more than a write).
    let count = 0;
    for (let end = answerAt + 4 * view.getInt16(at.answerCounts + 2 * r); answerAt < end; answerAt += 4) {
      const code = view.getInt32(answerAt);
      if (code >>> 16 !== positions.question) continue;
      const option = code & 0xffff;
      if (option === UNKNOWN_OPTION) digest.irregular = true;
      else options[count++] = option;
    }
    if (options.length !== count) options.length = count;
    onRecord(digest);
  }
}
