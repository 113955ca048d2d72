/** Rows written streamed: from arrays and async sources, to JSONL and Parquet, read back equal. */
import fs from "node:fs";
import path from "node:path";
import { PassThrough } from "node:stream";
import { afterAll, describe, expect, it } from "vitest";
import { parquetReadObjects } from "hyparquet";
import { makeTempDir, removeTempDirs } from "../feedback/test-helpers";
import type { Row } from "../training";
import { writeRows, writeRowsToFile } from "./rows-out";

afterAll(removeTempDirs);

const ROWS = Array.from({ length: 25_001 }, (_, i) => ({
  id: String(i),
  text: `text ${i} "quoted" é 🙂`,
  label: i % 3,
  score: i % 2 ? 0.5 : 1,
  labels: i % 5 ? [i % 3] : [],
  ok: i % 2 === 0,
})) as unknown as Row[];

async function* slowly(rows: readonly Row[]): AsyncGenerator<Row> {
  for (const [i, row] of rows.entries()) {
    if (i % 5000 === 0) await new Promise((resolve) => setTimeout(resolve, 1));
    yield row;
  }
}

async function readParquet(file: string): Promise<Record<string, unknown>[]> {
  const bytes = await fs.promises.readFile(file);
  const rows = await parquetReadObjects({ file: bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) });
  // INT64 columns come back as BigInt.
  return rows.map((row) => Object.fromEntries(Object.entries(row).map(([k, v]) => [k, typeof v === "bigint" ? Number(v) : v])));
}

describe("writeRows", () => {
  it("writes JSON lines from an array and from an async source, the same bytes", async () => {
    const dir = await makeTempDir("rows-out-");
    await writeRowsToFile(path.join(dir, "a.jsonl"), ROWS, "jsonl");
    await writeRowsToFile(path.join(dir, "b.jsonl"), slowly(ROWS), "jsonl");
    const a = await fs.promises.readFile(path.join(dir, "a.jsonl"), "utf8");
    expect(a).toBe(ROWS.map((row) => JSON.stringify(row) + "\n").join(""));
    expect(await fs.promises.readFile(path.join(dir, "b.jsonl"), "utf8")).toBe(a);
  });

  it("writes Parquet row group by row group, from an array and from an async source", async () => {
    const dir = await makeTempDir("rows-out-");
    await writeRowsToFile(path.join(dir, "a.parquet"), ROWS, "parquet");
    await writeRowsToFile(path.join(dir, "b.parquet"), slowly(ROWS), "parquet");
    for (const file of ["a.parquet", "b.parquet"]) expect(await readParquet(path.join(dir, file))).toEqual(ROWS);
  });

  it("writes an empty split as an empty file of each format", async () => {
    const dir = await makeTempDir("rows-out-");
    await writeRowsToFile(path.join(dir, "e.jsonl"), [], "jsonl");
    await writeRowsToFile(path.join(dir, "e.parquet"), [], "parquet");
    expect(await fs.promises.readFile(path.join(dir, "e.jsonl"), "utf8")).toBe("");
    expect(await readParquet(path.join(dir, "e.parquet"))).toEqual([]);
  });

  it("waits for a slow stream instead of buffering everything", async () => {
    const out = new PassThrough({ highWaterMark: 1024 });
    let received = 0;
    const written = writeRows(ROWS, "jsonl", out);
    // Nothing reads yet: the writer must stop at the stream's limit, not queue every row.
    await new Promise((resolve) => setTimeout(resolve, 50));
    expect(out.writableLength).toBeLessThan(200_000);
    out.on("data", (chunk: Buffer) => (received += chunk.length));
    await written;
    expect(received).toBe(Buffer.byteLength(ROWS.map((row) => JSON.stringify(row) + "\n").join("")));
  });
});
