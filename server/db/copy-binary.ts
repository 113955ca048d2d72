/**
 * Reads PostgreSQL's binary COPY format (`COPY … TO STDOUT (FORMAT binary)`) from a stream of
 * chunks: one call of `onTuple` per row with the buffer and the byte range of each column (null
 * for SQL NULL). Binary COPY streams a whole query result in one statement (one snapshot), with
 * no text escaping to undo and no per-column parsing by the driver. A json column arrives as its
 * text; jsonb as a version byte followed by its JSON text.
 */
import type pg from "pg";
import { to as copyTo } from "pg-copy-streams";

const SIGNATURE = Buffer.from("PGCOPY\n\xff\r\n\0", "latin1");

export type ColumnRange = readonly [start: number, end: number] | null;

export class BinaryCopyReader {
  private pending: Buffer = Buffer.alloc(0);
  private headerRead = false;
  private done = false;

  private readonly columns: ColumnRange[] = [];
  private readonly ranges: [number, number][] = [];

  /** `onTuple` reads the row's columns during the call: the array and its ranges are reused for the next row. */
  constructor(private readonly onTuple: (buffer: Buffer, columns: readonly ColumnRange[]) => void) {}

  /** Feeds one chunk; calls onTuple for every row the data so far completes. */
  push(chunk: Buffer): void {
    const buf = this.pending.length ? Buffer.concat([this.pending, chunk]) : chunk;
    let at = 0;
    if (!this.headerRead) {
      if (buf.length < 19) {
        this.pending = buf;
        return;
      }
      if (!buf.subarray(0, 11).equals(SIGNATURE)) throw new Error("not a binary COPY stream");
      const extension = buf.readInt32BE(15);
      if (buf.length < 19 + extension) {
        this.pending = buf;
        return;
      }
      at = 19 + extension;
      this.headerRead = true;
    }
    while (!this.done) {
      const tupleStart = at;
      if (buf.length - at < 2) break;
      const count = buf.readInt16BE(at);
      at += 2;
      if (count === -1) {
        this.done = true;
        break;
      }
      // One array and one range per column, reused for every row: a row's ranges are read during
      // onTuple and never kept (at 100k rows, allocating them was a third of the read's garbage).
      const columns = this.columns;
      columns.length = count;
      let complete = true;
      for (let i = 0; i < count; i++) {
        if (buf.length - at < 4) {
          complete = false;
          break;
        }
        const length = buf.readInt32BE(at);
        at += 4;
        if (length === -1) {
          columns[i] = null;
          continue;
        }
        if (buf.length - at < length) {
          complete = false;
          break;
        }
        const range = (this.ranges[i] ??= [0, 0]);
        range[0] = at;
        range[1] = at + length;
        columns[i] = range;
        at += length;
      }
      if (!complete) {
        at = tupleStart;
        break;
      }
      this.onTuple(buf, columns);
    }
    this.pending = at < buf.length ? buf.subarray(at) : Buffer.alloc(0);
    // Keep a copy, not a view, of a small remainder, so the chunk it came from can be freed.
    if (this.pending.length && this.pending.length < 65536) this.pending = Buffer.from(this.pending);
  }

  /** Throws unless the stream ended with the COPY trailer. */
  end(): void {
    if (!this.done) throw new Error("binary COPY stream ended early");
  }
}

/** A json column's value (its text). */
export function jsonValue(buffer: Buffer, range: ColumnRange): unknown {
  if (range === null) return null;
  return JSON.parse(buffer.toString("utf8", range[0], range[1]));
}

/** A jsonb column's value: the version byte (1), then the JSON text. */
export function jsonbValue(buffer: Buffer, range: ColumnRange): unknown {
  if (range === null) return null;
  return JSON.parse(buffer.toString("utf8", range[0] + 1, range[1]));
}

export function textValue(buffer: Buffer, range: ColumnRange): string | null {
  return range === null ? null : buffer.toString("utf8", range[0], range[1]);
}

export function int4Value(buffer: Buffer, range: ColumnRange): number | null {
  return range === null ? null : buffer.readInt32BE(range[0]);
}

/**
 * Runs `COPY (query) TO STDOUT (FORMAT binary)` in a read-only transaction (one snapshot) and
 * hands each row to `onTuple`. An aborted or failed read closes its connection instead of
 * returning it mid-COPY.
 */
export async function copyRowsOut(db: pg.Pool, query: string, onTuple: (buffer: Buffer, columns: readonly ColumnRange[]) => void, signal?: AbortSignal): Promise<void> {
  signal?.throwIfAborted();
  const reader = new BinaryCopyReader(onTuple);
  const client = await db.connect();
  let finished = false;
  try {
    await client.query("BEGIN READ ONLY");
    await client.query("SET LOCAL random_page_cost = 1.1"); // see streamRecords
    for await (const chunk of client.query(copyTo(`COPY (${query}) TO STDOUT (FORMAT binary)`))) {
      signal?.throwIfAborted();
      reader.push(chunk as Buffer);
    }
    reader.end();
    await client.query("COMMIT");
    finished = true;
  } finally {
    client.release(finished ? undefined : new Error("COPY read abandoned"));
  }
}
