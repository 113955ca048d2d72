import { describe, expect, it } from "vitest";
import { BinaryCopyReader, int4Value, jsonbValue, textValue, type ColumnRange } from "./copy-binary";

/** A binary COPY stream of rows of (int4, text or null, jsonb), as Postgres writes it. */
function copyStream(rows: [number, string | null, unknown][]): Buffer {
  const parts = [Buffer.from("PGCOPY\n\xff\r\n\0", "latin1"), Buffer.alloc(8)];
  const int32 = (n: number) => { const b = Buffer.alloc(4); b.writeInt32BE(n); return b; };
  for (const [id, text, json] of rows) {
    const count = Buffer.alloc(2); count.writeInt16BE(3); parts.push(count);
    parts.push(int32(4), int32(id));
    if (text === null) parts.push(int32(-1));
    else { const b = Buffer.from(text); parts.push(int32(b.length), b); }
    const j = Buffer.concat([Buffer.from([1]), Buffer.from(JSON.stringify(json))]);
    parts.push(int32(j.length), j);
  }
  const trailer = Buffer.alloc(2); trailer.writeInt16BE(-1); parts.push(trailer);
  return Buffer.concat(parts);
}

function read(stream: Buffer, chunkSize: number) {
  const out: unknown[] = [];
  const reader = new BinaryCopyReader((buf, [a, b, c]: readonly ColumnRange[]) => out.push([int4Value(buf, a), textValue(buf, b), jsonbValue(buf, c)]));
  for (let at = 0; at < stream.length; at += chunkSize) reader.push(stream.subarray(at, at + chunkSize));
  reader.end();
  return out;
}

describe("BinaryCopyReader", () => {
  const rows: [number, string | null, unknown][] = [[1, "ünïcode ✓", { a: [1, "x"] }], [2, null, null], [-7, "", "s"]];

  it("decodes every row whatever the chunk boundaries", () => {
    for (const size of [1, 2, 3, 7, 19, 20, 64, 10_000]) expect(read(copyStream(rows), size)).toEqual(rows);
  });

  it("refuses a stream that is not binary COPY, or that ends before its trailer", () => {
    expect(() => read(Buffer.from("id\ttext\n".repeat(4)), 64)).toThrow(/not a binary COPY/);
    const full = copyStream(rows);
    expect(() => read(full.subarray(0, full.length - 2), 64)).toThrow(/ended early/);
  });
});
