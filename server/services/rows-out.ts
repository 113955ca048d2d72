/**
 * Prepared rows out, as JSONL or Parquet, streamed: `studio prepare`, the export and (next) a
 * job's prepared files write from an iterable or async iterable of rows to a stream, holding no
 * second copy of the rows. JSONL goes out in chunks of lines; Parquet a row group at a time
 * (hyparquet-writer's parquetWriteRows), flushed to the stream after each group. The prepare
 * itself holds its rows (duplicate removal and the split need them all); what is written is not
 * held again.
 */
import fs from "node:fs";
import { once } from "node:events";
import path from "node:path";
import type { Writable } from "node:stream";
import { finished } from "node:stream/promises";
import type { PreparedData, Row } from "../training";
import type { OutputFormat } from "./prepare-options";

export type RowSource = Iterable<Row> | AsyncIterable<Row>;

export const CONTENT_TYPES: Record<OutputFormat, string> = { jsonl: "application/jsonl", parquet: "application/vnd.apache.parquet" };

/** Rows per Parquet row group: what the writer holds at once (the rows and their columns); at 1M rows, 10,000 a group took 7 s and 603 MB where 50,000 took 14 s and 794 MB. */
const ROW_GROUP_SIZE = 10_000;
/** JSONL characters gathered before a write: one write per line costs more than the encoding. */
const JSONL_CHUNK = 1 << 16;

/** Writes the rows to `out` and ends it; resolves once everything is flushed. */
export async function writeRows(rows: RowSource, format: OutputFormat, out: Writable): Promise<void> {
  const done = finished(out);
  done.catch(() => {}); // awaited below; an error while writing rejects the write first
  try {
    if (format === "jsonl") await writeJsonLines(rows, out);
    else await writeParquet(rows, out);
  } catch (error) {
    out.destroy(error as Error);
    throw error;
  }
  out.end();
  await done;
}

export async function writeRowsToFile(file: string, rows: RowSource, format: OutputFormat): Promise<void> {
  await writeRows(rows, format, fs.createWriteStream(file));
}

/** Rows as JSON lines (what trainers read), a chunk of lines per write, waiting for the stream to drain. */
async function writeJsonLines(rows: RowSource, out: Writable): Promise<void> {
  let chunk = "";
  for await (const row of rows) {
    chunk += JSON.stringify(row) + "\n";
    if (chunk.length >= JSONL_CHUNK) {
      if (!out.write(chunk)) await once(out, "drain");
      chunk = "";
    }
  }
  if (chunk) out.write(chunk);
}

type ColumnType = "STRING" | "INT64" | "DOUBLE" | "BOOLEAN" | "JSON";

/**
 * Columns from the rows' keys; nested values (lists, objects) stored as Parquet JSON. A column's
 * type comes from its values: for rows held in an array (a prepare's), all of them, which costs a
 * pass and no copy; for an async source, its first row group.
 */
async function writeParquet(rows: RowSource, out: Writable): Promise<void> {
  const { ByteWriter, parquetWriteRows } = await import("hyparquet-writer");
  const { head, rest } = Array.isArray(rows) ? { head: rows as Row[], rest: null } : await firstRows(toAsync(rows), ROW_GROUP_SIZE);
  const columns = columnsOf(head);
  if (columns.length === 0) {
    // No rows (an empty test split): a valid file without columns.
    const { parquetWriteBuffer } = await import("hyparquet-writer");
    out.write(Buffer.from(parquetWriteBuffer({ columnData: [] })));
    return;
  }
  const ints = columns.filter((c) => c.type === "INT64").map((c) => c.name);

  // INT64 columns take BigInts: each row is converted as its group is pulled, not all beforehand.
  async function* converted(): AsyncGenerator<Record<string, unknown>> {
    const source: RowSource = rest ? chain(head, rest) : head;
    for await (const row of source) {
      if (ints.length === 0) yield row as Record<string, unknown>;
      else {
        const copy = { ...(row as Record<string, unknown>) };
        for (const name of ints) if (copy[name] !== null && copy[name] !== undefined) copy[name] = BigInt(copy[name] as number);
        yield copy;
      }
    }
  }

  // A ByteWriter whose bytes go to the stream after each row group (and at the end).
  const writer: InstanceType<typeof ByteWriter> & { flush?(): Promise<void> } = new ByteWriter(1 << 20);
  const flush = async () => {
    if (writer.index === 0) return;
    const bytes = Buffer.from(writer.buffer.slice(0, writer.index));
    writer.index = 0;
    if (!out.write(bytes)) await once(out, "drain");
  };
  writer.flush = flush;
  writer.finish = flush;
  await parquetWriteRows({ writer, rows: converted(), columns: columns as never, rowGroupSize: ROW_GROUP_SIZE });
}

function columnsOf(rows: readonly Row[]): { name: string; type: ColumnType }[] {
  const names = new Set<string>();
  for (const row of rows) for (const key of Object.keys(row as object)) names.add(key);
  return [...names].map((name) => {
    let type: ColumnType | undefined;
    let integers = true;
    for (const row of rows) {
      const value = (row as Record<string, unknown>)[name];
      if (value === null || value === undefined) continue;
      type ??= typeof value === "string" ? "STRING" : typeof value === "number" ? "INT64" : typeof value === "boolean" ? "BOOLEAN" : "JSON";
      if (type !== "INT64") break;
      if (typeof value === "number" && !Number.isInteger(value)) integers = false;
    }
    return { name, type: type === "INT64" && !integers ? "DOUBLE" : (type ?? "JSON") };
  });
}

/** The first `count` rows of an async source, and an iterator over the rest. */
async function firstRows(rows: AsyncIterable<Row>, count: number): Promise<{ head: Row[]; rest: AsyncIterator<Row> }> {
  const rest = rows[Symbol.asyncIterator]();
  const head: Row[] = [];
  while (head.length < count) {
    const next = await rest.next();
    if (next.done) break;
    head.push(next.value);
  }
  return { head, rest };
}

async function* toAsync(rows: RowSource): AsyncGenerator<Row> {
  yield* rows;
}

async function* chain(head: Row[], rest: AsyncIterator<Row>): AsyncGenerator<Row> {
  yield* head;
  head.length = 0; // let the first group go once it is written
  for (let next = await rest.next(); !next.done; next = await rest.next()) yield next.value;
}

export interface PreparedFiles {
  train: string;
  test?: string;
  meta: string;
}

/** Summary of a prepare: what `studio prepare --json` prints and meta.json holds. */
export function preparedSummary(prepared: PreparedData) {
  const dropped = Object.fromEntries(
    Object.entries(prepared.meta.dropped)
      .filter(([, d]) => d.count > 0)
      .map(([reason, d]) => [reason, d.count]),
  );
  return { train: prepared.train.length, test: prepared.test.length, dropped };
}

/** DIR/train.FORMAT (DIR/test.FORMAT when split) and DIR/meta.json (label maps, counts, dropped by reason). */
export async function writePrepared(dir: string, prepared: PreparedData, format: OutputFormat = "jsonl"): Promise<PreparedFiles> {
  await fs.promises.mkdir(dir, { recursive: true });
  const write = async (name: string, rows: readonly Row[]) => {
    const file = path.join(/*turbopackIgnore: true*/ dir, `${name}.${format}`);
    await writeRowsToFile(file, rows, format);
    return file;
  };
  const train = await write("train", prepared.train);
  const test = prepared.test.length > 0 ? await write("test", prepared.test) : undefined;
  const meta = path.join(/*turbopackIgnore: true*/ dir, "meta.json");
  const { dropped: _dropped, ...metaRest } = prepared.meta;
  await fs.promises.writeFile(
    meta,
    JSON.stringify({ ...metaRest, ...preparedSummary(prepared), droppedRecords: prepared.meta.dropped }, null, 2) + "\n",
  );
  return { train, test, meta };
}
