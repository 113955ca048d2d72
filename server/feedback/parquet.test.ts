import { writeFile } from "node:fs/promises";
import path from "node:path";
import { parquetWriteBuffer, type ColumnSource, type SchemaElement } from "hyparquet-writer";
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
/** 1.14+: list of {user_id, value, status}. */
const responses = (value: Node): Node => list(struct({ user_id: string, value, status: string }));
/** 1.13: {user_id: [...], value: [...], status: [...]} (a `datasets` Sequence of a dict). */
const legacyResponses = (value: Node): Node => struct({ user_id: list(string), value: list(value), status: list(string) });
const suggestionMetadata = (score: Node): Node => struct({ type: string, score, agent: string });

function writeParquet(columns: { name: string; node: Node; data: unknown[] }[], rowGroupSize: number): ArrayBuffer {
  const schema: SchemaElement[] = [{ name: "root", num_children: columns.length }, ...columns.flatMap((c) => c.node(c.name))];
  const columnData: ColumnSource[] = columns.map((c) => ({ name: c.name, data: c.data as ColumnSource["data"] }));
  return parquetWriteBuffer({ schema, columnData, rowGroupSize });
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
});
