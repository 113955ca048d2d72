import { readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { asyncBufferFromFile, parquetMetadataAsync, parquetReadObjects, readOffsetIndex, type FileMetaData } from "hyparquet";
import { ByteWriter, parquetWriteBuffer, type ColumnSource, type SchemaElement } from "hyparquet-writer";
import { writePageHeader } from "hyparquet-writer/src/datapage.js";
import { writeRleBitPackedHybrid } from "hyparquet-writer/src/encoding.js";
import { writeMetadata } from "hyparquet-writer/src/metadata.js";
import { writePlain } from "hyparquet-writer/src/plain.js";
import { afterAll, describe, expect, it } from "vitest";
import { ImportError } from "./errors";
import { openParquetFile, readParquetRows } from "./parquet";
import { createRowParser } from "./rows";
import { datasetSettingsSchema } from "./schema";
import { makeTempDir, removeTempDirs } from "./test-helpers";

afterAll(removeTempDirs);

// --- Parquet schema builders (preorder SchemaElement lists, as hyparquet-writer takes them) ---
type Node = (name: string) => SchemaElement[];
const string: Node = (name) => [{ name, type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" }];
const int32: Node = (name) => [{ name, type: "INT32", repetition_type: "OPTIONAL" }];
const uint8: Node = (name) => [{ name, type: "INT32", converted_type: "UINT_8", repetition_type: "OPTIONAL" }];
const int64: Node = (name) => [{ name, type: "INT64", repetition_type: "OPTIONAL" }];
const float: Node = (name) => [{ name, type: "FLOAT", repetition_type: "OPTIONAL" }];
const list =
  (element: Node): Node =>
  (name) => [
    { name, repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
    ...element("element"),
  ];
const struct =
  (children: Record<string, Node>): Node =>
  (name) => [{ name, repetition_type: "OPTIONAL", num_children: Object.keys(children).length }, ...Object.entries(children).flatMap(([key, node]) => node(key))];
const map =
  (key: Node, value: Node): Node =>
  (name) => [
    { name, repetition_type: "OPTIONAL", converted_type: "MAP", num_children: 1 },
    { name: "key_value", repetition_type: "REPEATED", num_children: 2 },
    ...key("key").map((e) => ({ ...e, repetition_type: "REQUIRED" as const })),
    ...value("value"),
  ];
/** 1.14+: list of {user_id, value, status}. */
const responses = (value: Node): Node => list(struct({ user_id: string, value, status: string }));
/** 1.13: {user_id: [...], value: [...], status: [...]} (a `datasets` Sequence of a dict). */
const legacyResponses = (value: Node): Node => struct({ user_id: list(string), value: list(value), status: list(string) });
const suggestionMetadata = (score: Node): Node => struct({ type: string, score, agent: string });

function writeParquet(columns: { name: string; node: Node; data: unknown[] }[], rowGroupSize: number, pageSize?: number): ArrayBuffer {
  const schema: SchemaElement[] = [{ name: "root", num_children: columns.length }, ...columns.flatMap((c) => c.node(c.name))];
  const columnData: ColumnSource[] = columns.map((c) => ({ name: c.name, data: c.data as ColumnSource["data"] }));
  return parquetWriteBuffer({ schema, columnData, rowGroupSize, pageSize });
}

const settings = datasetSettingsSchema.parse({
  fields: [
    { name: "text", title: "Text", required: true },
    { name: "context", title: "Context", required: false },
  ],
  questions: [
    { name: "label", title: "Label", type: "label_selection", labels: ["joy", "sadness", "anger"] },
    { name: "tags", title: "Tags", type: "multi_label_selection", labels: { py: "Python", js: "JavaScript" }, required: false },
    { name: "quality", title: "Quality", type: "rating", values: [1, 2, 3, 4, 5], required: false },
    { name: "preference", title: "Preference", type: "ranking", values: ["a", "b"], required: false },
    { name: "entities", title: "Entities", type: "span", field: "text", labels: [{ value: "PER" }, { value: "ORG" }], required: false },
  ],
  vectors_settings: [{ name: "emb", title: "Embedding", dimensions: 2 }],
});

const U1 = "11111111-1111-4111-8111-111111111111";
const U2 = "22222222-2222-4222-8222-222222222222";
const NO_SUGGESTION = { type: null, score: null, agent: null };
const rankingValue = struct({ rank: list(uint8), value: list(string) });
const spanValue = struct({ start: list(int32), end: list(int32), label: list(string), text: list(string) });

/** Five rows in the 1.14+ layout, the way `datasets` would write them to Parquet. */
function modernExport(labels: string[] = ["joy", "sadness", "anger", "joy", "sadness"]): ArrayBuffer {
  return writeParquet(
    [
      { name: "text", node: string, data: labels.map((_, i) => `text ${i}`) },
      { name: "context", node: string, data: labels.map((_, i) => (i % 2 ? null : `context ${i}`)) },
      {
        name: "label",
        node: responses(string),
        data: labels.map((label, i) => (i === 2 ? [] : [{ user_id: U1, value: label, status: "submitted" }, { user_id: null, value: "joy", status: "draft" }])),
      },
      { name: "label-suggestion", node: string, data: labels.map((_, i) => (i === 0 ? "joy" : null)) },
      { name: "label-suggestion-metadata", node: suggestionMetadata(float), data: labels.map((_, i) => (i === 0 ? { type: "model", score: 0.5, agent: "clf" } : NO_SUGGESTION)) },
      { name: "tags", node: responses(list(string)), data: labels.map(() => [{ user_id: U2, value: ["py", "js"], status: "submitted" }]) },
      { name: "tags-suggestion", node: list(string), data: labels.map(() => ["py"]) },
      { name: "tags-suggestion-metadata", node: suggestionMetadata(list(float)), data: labels.map(() => ({ type: "model", score: [0.25], agent: null })) },
      // INT64 ratings come back from hyparquet as BigInt: they must arrive as numbers.
      { name: "quality", node: responses(int64), data: labels.map((_, i) => [{ user_id: U1, value: BigInt((i % 5) + 1), status: "submitted" }]) },
      { name: "quality-suggestion", node: int64, data: labels.map(() => null) },
      { name: "quality-suggestion-metadata", node: suggestionMetadata(float), data: labels.map(() => NO_SUGGESTION) },
      {
        name: "preference",
        node: responses(rankingValue),
        data: labels.map(() => [{ user_id: U2, value: { rank: [2, 1], value: ["a", "b"] }, status: "submitted" }]),
      },
      { name: "preference-suggestion", node: rankingValue, data: labels.map(() => null) },
      { name: "preference-suggestion-metadata", node: suggestionMetadata(list(float)), data: labels.map(() => NO_SUGGESTION) },
      {
        name: "entities",
        node: responses(spanValue),
        data: labels.map(() => [{ user_id: U1, value: { start: [0], end: [4], label: ["PER"], text: ["text"] }, status: "submitted" }]),
      },
      { name: "entities-suggestion", node: spanValue, data: labels.map(() => null) },
      { name: "entities-suggestion-metadata", node: suggestionMetadata(list(float)), data: labels.map(() => NO_SUGGESTION) },
      { name: "external_id", node: string, data: labels.map((_, i) => `ext-${i}`) },
      { name: "metadata", node: string, data: labels.map((_, i) => (i === 1 ? '{"source": "forum"}' : "{}")) },
      { name: "vectors", node: struct({ emb: list(float) }), data: labels.map((_, i) => ({ emb: i === 0 ? [0.5, 0.25] : null })) },
    ],
    2,
  );
}

/**
 * `rows` rows in one row group with small pages (many per column chunk), in the 1.14+ layout
 * plus a 1.13 dict-of-lists column, a required INT64 column and a map; row i has label labels(i).
 */
function largeRowGroupExport(rows: number, labels: (i: number) => string = (i) => ["joy", "sadness", "anger"][i % 3]!): ArrayBuffer {
  const range = Array.from({ length: rows }, (_, i) => i);
  return writeParquet(
    [
      { name: "text", node: string, data: range.map((i) => `text ${i} ${"x".repeat(i % 17)}`) },
      { name: "context", node: string, data: range.map((i) => (i % 3 ? null : `context ${i}`)) },
      {
        name: "label",
        node: responses(string),
        data: range.map((i) =>
          i % 7 === 3 ? [] : i % 11 === 5 ? null : [{ user_id: U1, value: labels(i), status: "submitted" }, { user_id: i % 2 ? null : U2, value: "joy", status: "draft" }],
        ),
      },
      { name: "label-suggestion", node: string, data: range.map((i) => (i % 4 ? null : "joy")) },
      { name: "label-suggestion-metadata", node: suggestionMetadata(float), data: range.map((i) => (i % 4 ? NO_SUGGESTION : { type: "model", score: 0.5, agent: `clf-${i % 3}` })) },
      { name: "quality", node: responses(int64), data: range.map((i) => (i % 5 === 1 ? [] : [{ user_id: U1, value: BigInt((i % 5) + 1), status: "submitted" }])) },
      { name: "preference", node: legacyResponses(rankingValue), data: range.map((i) => (i % 6 ? null : { user_id: [U1], value: [{ rank: [1, 2], value: ["a", "b"] }], status: ["submitted"] })) },
      { name: "external_id", node: string, data: range.map((i) => `ext-${i}`) },
      { name: "position", node: () => [{ name: "position", type: "INT64", repetition_type: "REQUIRED" }], data: range.map((i) => BigInt(i)) },
      { name: "vectors", node: struct({ emb: list(float) }), data: range.map((i) => ({ emb: i % 9 ? null : [i, 0.5] })) },
      // Not an Argilla column: a map, which goes through hyparquet's own assembly.
      { name: "counts", node: map(string, int32), data: range.map((i) => (i % 8 === 7 ? null : Object.fromEntries(Array.from({ length: i % 3 }, (_, k) => [`k${k}`, i + k])))) },
    ],
    rows,
    256,
  );
}

/** hyparquet's own reading of a whole file (parquetReadObjects), INT64 turned into Numbers. */
async function readWithHyparquet(file: string): Promise<Record<string, unknown>[]> {
  const toNumbers = (value: unknown): unknown => {
    if (typeof value === "bigint") return Number(value);
    if (Array.isArray(value)) return value.map(toNumbers);
    if (value && typeof value === "object" && Object.getPrototypeOf(value) === Object.prototype) {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, toNumbers(v)]));
    }
    return value;
  };
  return (await parquetReadObjects({ file: await asyncBufferFromFile(file) })).map((row) => toNumbers(row) as Record<string, unknown>);
}

/** First row (0-based, in the row group) of each page of a column chunk, from its offset index. */
async function pageLocations(file: string, metadata: FileMetaData, column: string): Promise<{ offset: number; firstRow: number }[]> {
  const chunk = metadata.row_groups[0]!.columns.find((c) => c.meta_data?.path_in_schema.join(".") === column)!;
  const start = Number(chunk.offset_index_offset);
  const bytes = (await readFile(file)).subarray(start, start + chunk.offset_index_length!);
  const index = readOffsetIndex({ view: new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength), offset: 0 });
  return index.page_locations.map((p) => ({ offset: Number(p.offset), firstRow: Number(p.first_row_index) }));
}

async function writeTemp(name: string, buffer: ArrayBuffer): Promise<string> {
  const dir = await makeTempDir();
  const file = path.join(dir, name);
  await writeFile(file, new Uint8Array(buffer));
  return file;
}

describe("openParquetFile", () => {
  it("knows the row count up front and streams rows row group by row group, 1-based", async () => {
    const file = await writeTemp("train.parquet", modernExport());
    const source = await openParquetFile(file, "data/train.parquet");
    expect(source.totalRows).toBe(5);
    const rows: number[] = [];
    for await (const { row } of source.rows()) rows.push(row);
    expect(rows).toEqual([1, 2, 3, 4, 5]);
  });

  it("returns nested columns in the shapes the row parser reads", async () => {
    const file = await writeTemp("train.parquet", modernExport());
    const parseRow = createRowParser(settings, "data/train.parquet");
    const records = [];
    for await (const { row, value } of readParquetRows(file, "data/train.parquet")) records.push(parseRow(value, row));

    expect(records[0]).toEqual({
      fields: { text: "text 0", context: "context 0" },
      metadata: {},
      externalId: "ext-0",
      responses: [
        {
          userId: U1,
          status: "submitted",
          values: {
            label: "joy",
            quality: 1,
            entities: [{ start: 0, end: 4, label: "PER" }],
          },
        },
        { userId: null, status: "draft", values: { label: "joy" } },
        { userId: U2, status: "submitted", values: { tags: ["py", "js"], preference: [{ value: "a", rank: 2 }, { value: "b", rank: 1 }] } },
      ],
      suggestions: [
        { question: "label", value: "joy", score: 0.5, agent: "clf", type: "model" },
        { question: "tags", value: ["py"], score: [0.25], agent: null, type: "model" },
      ],
      vectors: { emb: [0.5, 0.25] },
    });
    expect(records[1]!.fields.context).toBeNull();
    expect(records[1]!.metadata).toEqual({ source: "forum" });
    expect(records[2]!.responses.map((r) => r.userId)).toEqual([U2, U1]); // no label responses in row 3
    expect(records[4]!.responses[0]!.values.quality).toBe(5);
  });

  it("reads the 1.13 dict-of-lists layout", async () => {
    const file = await writeTemp(
      "legacy.parquet",
      writeParquet(
        [
          { name: "text", node: string, data: ["a", "b"] },
          { name: "label", node: legacyResponses(string), data: [{ user_id: [U1, U2], value: ["joy", null], status: ["submitted", "discarded"] }, null] },
        ],
        10,
      ),
    );
    const legacySettings = datasetSettingsSchema.parse({
      fields: [{ name: "text", title: "Text" }],
      questions: [{ name: "label", title: "Label", type: "label_selection", labels: ["joy", "sadness"] }],
    });
    const parseRow = createRowParser(legacySettings, "legacy.parquet");
    const records = [];
    for await (const { row, value } of readParquetRows(file, "legacy.parquet")) records.push(parseRow(value, row));
    expect(records.map((r) => r.responses)).toEqual([
      [
        { userId: U1, status: "submitted", values: { label: "joy" } },
        { userId: U2, status: "discarded", values: {} },
      ],
      [],
    ]);
  });

  it("reports a bad value with its 1-based row number", async () => {
    const file = await writeTemp("train.parquet", modernExport(["joy", "joy", "joy", "happy", "joy"]));
    const parseRow = createRowParser(settings, "data/train-00000-of-00001.parquet");
    const error = await (async () => {
      for await (const { row, value } of readParquetRows(file, "data/train-00000-of-00001.parquet")) parseRow(value, row);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as Error).message).toBe('data/train-00000-of-00001.parquet row 4, column "label": expected one of [joy, sadness, anger], got "happy"');
  });

  it("rejects a file that is not Parquet, and one without rows", async () => {
    const notParquet = await writeTemp("train.parquet", new TextEncoder().encode('{"a": 1}\n').buffer as ArrayBuffer);
    await expect(openParquetFile(notParquet, "data/train.parquet")).rejects.toThrow(/^data\/train\.parquet: not a readable Parquet file \(.+\)$/);

    const empty = await writeTemp("empty.parquet", writeParquet([{ name: "text", node: string, data: [] }], 10));
    const source = await openParquetFile(empty, "data/empty.parquet");
    expect(source.totalRows).toBe(0);
    await expect(source.rows().next()).rejects.toThrow("data/empty.parquet: no records (the file has no rows)");
  });

  it("names a column that appears twice instead of failing while reading rows", async () => {
    const columns = [
      { name: "text", node: string, data: ["a", "b", "c", "d", "e"] },
      { name: "metadata", node: string, data: ["{}", "{}", "{}", "{}", "{}"] },
      { name: "text", node: string, data: ["v", "w", "x", "y", "z"] },
    ];
    const file = await writeTemp("train.parquet", writeParquet(columns, 5));
    await expect(openParquetFile(file, "data/train.parquet")).rejects.toThrow(/^data\/train\.parquet, column "text": the file's schema has two columns of this name$/);
    const nested = await writeTemp("nested.parquet", writeParquet([{ name: "meta", node: struct({ score: float, agent: string }), data: [{ score: 1, agent: "x" }] }], 1));
    await expect(openParquetFile(nested, "data/nested.parquet")).resolves.toMatchObject({ totalRows: 1 });
  });

  it("reads one large row group in slices, page by page, exactly as hyparquet reads it whole", async () => {
    const file = await writeTemp("train.parquet", largeRowGroupExport(1000));
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(file));
    expect(metadata.row_groups.map((g) => Number(g.num_rows))).toEqual([1000]);
    expect((await pageLocations(file, metadata, "text")).length).toBeGreaterThan(20);
    expect((await pageLocations(file, metadata, "label.list.element.user_id")).length).toBeGreaterThan(5);

    const expected = await readWithHyparquet(file);
    for (const sliceRows of [1, 7, 64, 5000]) {
      const source = await openParquetFile(file, "data/train.parquet", { sliceRows });
      const rows: number[] = [];
      const values: Record<string, unknown>[] = [];
      for await (const { row, value } of source.rows()) {
        rows.push(row);
        values.push(value);
      }
      expect(rows).toEqual(Array.from({ length: 1000 }, (_, i) => i + 1));
      expect(values).toStrictEqual(expected);
    }
    // Spot checks against what was written, hyparquet aside.
    expect(expected[500]).toMatchObject({ text: "text 500 " + "x".repeat(500 % 17), position: 500, quality: [{ user_id: U1, value: 1, status: "submitted" }] });
    expect(expected[3]!.label).toEqual([]);
    expect(expected[5]!.label).toBeUndefined(); // a null list
    expect(expected[6]!.preference).toEqual({ user_id: [U1], value: [{ rank: [1, 2], value: ["a", "b"] }], status: ["submitted"] });
    expect(expected[5]!.counts).toEqual({ k0: 5, k1: 6 });
  });

  it("reports a bad value deep inside a large row group with its own row number", async () => {
    const file = await writeTemp("train.parquet", largeRowGroupExport(1000, (i) => (i === 776 ? "happy" : "joy")));
    const largeSettings = datasetSettingsSchema.parse({
      fields: settings.fields,
      questions: settings.questions.filter((q) => q.name === "label" || q.name === "quality"),
    });
    const parseRow = createRowParser(largeSettings, "data/train.parquet");
    let parsed = 0;
    const error = await (async () => {
      for await (const { row, value } of readParquetRows(file, "data/train.parquet", { sliceRows: 64 })) {
        parseRow(value, row);
        parsed++;
      }
    })().catch((e: unknown) => e);
    expect((error as Error).message).toBe('data/train.parquet row 777, column "label": expected one of [joy, sadness, anger], got "happy"');
    expect(parsed).toBe(776);
  });

  it("names the row group and the first row not yet read when a page cannot be read", async () => {
    const buffer = new Uint8Array(largeRowGroupExport(1000));
    const intact = await writeTemp("intact.parquet", buffer.buffer);
    const metadata = await parquetMetadataAsync(await asyncBufferFromFile(intact));
    const page = (await pageLocations(intact, metadata, "text"))[10]!;
    buffer.fill(0xff, page.offset, page.offset + 8); // garbage where the 11th page's header is
    const file = await writeTemp("train.parquet", buffer.buffer);

    const sliceRows = 7;
    const firstSliceNeedingThePage = Math.floor(page.firstRow / sliceRows) * sliceRows;
    const rows: number[] = [];
    const error = await (async () => {
      for await (const { row } of readParquetRows(file, "data/train.parquet", { sliceRows })) rows.push(row);
    })().catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as ImportError).row).toBe(firstSliceNeedingThePage + 1);
    expect((error as Error).message).toMatch(new RegExp(`^data/train\\.parquet row ${firstSliceNeedingThePage + 1}: cannot read row group 1 \\(rows 1–1000\\): .+`));
    expect(rows.length).toBe(firstSliceNeedingThePage);
  });

  it("assembles a row whose list continues on the next page (as older pyarrow writes v1 pages)", async () => {
    const file = await writeTemp("split.parquet", splitRowExport());
    const expected = [
      { tags: ["a", "b", "c"], n: 1 },
      { tags: undefined, n: 2 },
      { tags: [], n: 3 },
      { tags: ["d", null, "e"], n: 4 },
    ];
    expect(await readWithHyparquet(file)).toStrictEqual(expected);
    for (const sliceRows of [1, 2, 3, 4]) {
      const values = [];
      for await (const { value } of readParquetRows(file, "split.parquet", { sliceRows })) values.push(value);
      expect(values).toStrictEqual(expected);
    }
  });
});

/**
 * A hand-written file with v1 data pages whose boundaries fall inside rows: column `tags`
 * (list<string>) holds ["a","b","c"], null, [], ["d",null,"e"] over three pages split after
 * "b" and after "d"; column `n` (required INT64) holds 1..4 in one page.
 */
function splitRowExport(): ArrayBuffer {
  const out = new ByteWriter();
  out.appendUint32(0x31524150); // PAR1
  const levels = (values: number[], bitWidth: number): Uint8Array => {
    const w = new ByteWriter();
    writeRleBitPackedHybrid(w, values, bitWidth);
    const bytes = w.getBytes();
    const prefixed = new ByteWriter();
    prefixed.appendUint32(bytes.length);
    prefixed.appendBytes(bytes);
    return prefixed.getBytes().slice();
  };
  const page = (rep: number[] | null, def: number[] | null, type: "BYTE_ARRAY" | "INT64", values: unknown[]): void => {
    const body = new ByteWriter();
    if (rep) body.appendBytes(levels(rep, 1));
    if (def) body.appendBytes(levels(def, 2));
    writePlain(body, values as never, type, undefined);
    const bytes = body.getBytes().slice();
    const count = rep?.length ?? values.length;
    writePageHeader(out, {
      type: "DATA_PAGE",
      uncompressed_page_size: bytes.length,
      compressed_page_size: bytes.length,
      data_page_header: { num_values: count, encoding: "PLAIN", definition_level_encoding: "RLE", repetition_level_encoding: "RLE" },
    });
    out.appendBytes(bytes);
  };
  // tags: max definition level 3 (tags, list, element), max repetition level 1.
  const tagsStart = out.offset;
  page([0, 1], [3, 3], "BYTE_ARRAY", ["a", "b"]);
  page([1, 0, 0, 0, 1], [3, 0, 1, 3, 2], "BYTE_ARRAY", ["c", "d"]);
  page([1], [3], "BYTE_ARRAY", ["e"]);
  const nStart = out.offset;
  page(null, null, "INT64", [1n, 2n, 3n, 4n]);
  const dataEnd = out.offset;

  const column = (path: string[], type: "BYTE_ARRAY" | "INT64", start: number, end: number, values: number) => ({
    file_offset: BigInt(start),
    meta_data: {
      type,
      encodings: ["PLAIN", "RLE"] as ("PLAIN" | "RLE")[],
      path_in_schema: path,
      codec: "UNCOMPRESSED" as const,
      num_values: BigInt(values),
      total_uncompressed_size: BigInt(end - start),
      total_compressed_size: BigInt(end - start),
      data_page_offset: BigInt(start),
    },
  });
  const metadataStart = out.offset;
  writeMetadata(out, {
    version: 2,
    schema: [
      { name: "root", num_children: 2 },
      { name: "tags", repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
      { name: "list", repetition_type: "REPEATED", num_children: 1 },
      { name: "element", type: "BYTE_ARRAY", repetition_type: "OPTIONAL", converted_type: "UTF8" },
      { name: "n", type: "INT64", repetition_type: "REQUIRED" },
    ],
    num_rows: 4n,
    row_groups: [
      {
        columns: [column(["tags", "list", "element"], "BYTE_ARRAY", tagsStart, nStart, 8), column(["n"], "INT64", nStart, dataEnd, 4)],
        total_byte_size: BigInt(dataEnd - tagsStart),
        num_rows: 4n,
      },
    ],
    metadata_length: 0,
  });
  out.appendUint32(out.offset - metadataStart);
  out.appendUint32(0x31524150); // PAR1
  return out.getBuffer();
}
