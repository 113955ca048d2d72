/**
 * Streaming writer for an Argilla 1.x export folder: `argilla.yaml` plus `data/train.jsonl`
 * (compact JSON Lines, as `Dataset.to_json` writes them) or `data/train.parquet` (the Arrow types
 * `datasets` writes for Argilla's features, in row groups). Records are pulled from an iterable one
 * at a time, so memory stays bounded by one row group whatever the dataset size.
 */
import fs from "node:fs";
import path from "node:path";
import { ParquetWriter, fileWriter } from "hyparquet-writer";
import type { SchemaElement } from "hyparquet";
import { configToYaml, exportColumns, toExportRow, type DatasetConfig, type ExportRecord, type QuestionConfig } from "./export-format";
import { pyJsonDumps } from "./pyjson";

export type ExportFormat = "jsonl" | "parquet";

export interface WriteExportOptions {
  format: ExportFormat;
  /** rows per Parquet row group (default 50 000) */
  rowGroupSize?: number;
  /** called every `progressEvery` records */
  onProgress?: (records: number) => void;
  progressEvery?: number;
}

export interface WriteExportResult {
  records: number;
  /** bytes of argilla.yaml + data file(s) */
  bytes: number;
  files: string[];
}

export function writeConfig(dir: string, config: DatasetConfig): string {
  fs.mkdirSync(dir, { recursive: true });
  const file = path.join(dir, "argilla.yaml");
  fs.writeFileSync(file, configToYaml(config));
  return file;
}

/** Writes `dir/argilla.yaml` and `dir/data/train.<format>` from `records`. */
export function writeExport(
  dir: string,
  config: DatasetConfig,
  records: Iterable<ExportRecord>,
  opts: WriteExportOptions,
): Promise<WriteExportResult> {
  function* rows() {
    for (const rec of records) yield toExportRow(config, rec);
  }
  return writeExportRows(dir, config, rows(), opts);
}

/**
 * Same as writeExport for rows already in export layout (`toExportRow` output, or rows read back
 * from another export, e.g. to convert JSON Lines to Parquet).
 */
export async function writeExportRows(
  dir: string,
  config: DatasetConfig,
  rows: Iterable<Record<string, unknown>>,
  opts: WriteExportOptions,
): Promise<WriteExportResult> {
  const yamlFile = writeConfig(dir, config);
  const dataDir = path.join(dir, "data");
  fs.mkdirSync(dataDir, { recursive: true });
  // never leave a stale file of the other format next to the new one
  for (const f of fs.readdirSync(dataDir)) if (/^train(-\d+-of-\d+)?\.(jsonl|parquet)$/.test(f)) fs.rmSync(path.join(dataDir, f));
  const dataFile = path.join(dataDir, `train.${opts.format}`);
  const count = opts.format === "jsonl"
    ? writeJsonl(dataFile, rows, opts)
    : await writeParquet(dataFile, config, rows, opts);
  const files = [yamlFile, dataFile];
  const bytes = files.reduce((n, f) => n + fs.statSync(f).size, 0);
  return { records: count, bytes, files };
}

function writeJsonl(file: string, rows: Iterable<Record<string, unknown>>, opts: WriteExportOptions): number {
  const fd = fs.openSync(file, "w");
  const every = opts.progressEvery ?? 100_000;
  let n = 0;
  let chunk: string[] = [];
  let size = 0;
  try {
    for (const row of rows) {
      const line = JSON.stringify(row) + "\n";
      chunk.push(line);
      size += line.length;
      if (size > 1 << 22) {
        fs.writeSync(fd, chunk.join(""));
        chunk = [];
        size = 0;
      }
      n++;
      if (opts.onProgress && n % every === 0) opts.onProgress(n);
    }
    if (chunk.length) fs.writeSync(fd, chunk.join(""));
  } finally {
    fs.closeSync(fd);
  }
  return n;
}

// ---------------------------------------------------------------------------------------------
// Parquet: the schema pyarrow writes for Argilla's `datasets.Features`
// ---------------------------------------------------------------------------------------------

type Node = SchemaElement[]; // an element followed by its descendants (depth-first)

const stringNode = (name: string): Node => [
  { name, type: "BYTE_ARRAY", converted_type: "UTF8", logical_type: { type: "STRING" }, repetition_type: "OPTIONAL" },
];
const int32Node = (name: string): Node => [{ name, type: "INT32", repetition_type: "OPTIONAL" }];
// only the legacy converted type: hyparquet-writer 0.17 serialises IntType.bitWidth as i32 instead
// of i8, which other readers (pyarrow) reject; UINT_8 alone still reads back as uint8
const uint8Node = (name: string): Node => [{ name, type: "INT32", converted_type: "UINT_8", repetition_type: "OPTIONAL" }];
const float32Node = (name: string): Node => [{ name, type: "FLOAT", repetition_type: "OPTIONAL" }];
/** list<element> in the standard 3-level layout (pyarrow: `list` / `element`). */
const listNode = (name: string, element: (name: string) => Node): Node => [
  { name, repetition_type: "OPTIONAL", num_children: 1, converted_type: "LIST", logical_type: { type: "LIST" } },
  { name: "list", repetition_type: "REPEATED", num_children: 1 },
  ...element("element"),
];
const structNode = (name: string, children: Node[]): Node => [
  { name, repetition_type: "OPTIONAL", num_children: children.length },
  ...children.flat(),
];

/** Arrow type of a response value / suggestion value for a question type. */
function valueNode(type: QuestionConfig["type"]): (name: string) => Node {
  switch (type) {
    case "text":
    case "label_selection":
      return stringNode; // Value("string")
    case "rating":
      return int32Node; // Value("int32")
    case "multi_label_selection":
      return (name) => listNode(name, stringNode); // Sequence(Value("string"))
    case "ranking": // Sequence({"rank": uint8, "value": string}) -> struct of lists
      return (name) => structNode(name, [listNode("rank", uint8Node), listNode("value", stringNode)]);
  }
}

/** Suggestion scores are Sequence(float32) for multi-label and ranking questions (Argilla 1.28+). */
const listScore = (type: QuestionConfig["type"]) => type === "multi_label_selection" || type === "ranking";

export function parquetSchema(config: DatasetConfig): SchemaElement[] {
  const columns: Node[] = [];
  for (const f of config.fields) columns.push(stringNode(f.name));
  for (const q of config.questions) {
    const value = valueNode(q.type);
    columns.push(listNode(q.name, (name) => structNode(name, [stringNode("user_id"), value("value"), stringNode("status")])));
    columns.push(value(`${q.name}-suggestion`));
    columns.push(structNode(`${q.name}-suggestion-metadata`, [
      stringNode("type"),
      listScore(q.type) ? listNode("score", float32Node) : float32Node("score"),
      stringNode("agent"),
    ]));
  }
  columns.push(stringNode("external_id"), stringNode("metadata"));
  return [{ name: "schema", num_children: columns.length }, ...columns.flat()];
}

/** `datasets` feature declarations (2.x JSON form), stored under the "huggingface" key. */
export function huggingfaceFeatures(config: DatasetConfig): Record<string, unknown> {
  const v = (dtype: string, id: string | null) => ({ dtype, id, _type: "Value" });
  const features: Record<string, unknown> = {};
  for (const f of config.fields) features[f.name] = v("string", "field");
  for (const q of config.questions) {
    // Argilla reuses one feature object for the response value and the suggestion and then sets
    // its id to "suggestion", so both end up tagged "suggestion".
    const id = "suggestion";
    let value: unknown;
    if (q.type === "rating") value = v("int32", id);
    else if (q.type === "multi_label_selection") value = { feature: v("string", null), length: -1, id, _type: "Sequence" };
    else if (q.type === "ranking") value = { feature: { rank: v("uint8", null), value: v("string", null) }, length: -1, id, _type: "Sequence" };
    else value = v("string", id);
    features[q.name] = [{ user_id: v("string", "question"), value, status: v("string", "question") }];
    features[`${q.name}-suggestion`] = value;
    const score = v("float32", "suggestion-metadata");
    features[`${q.name}-suggestion-metadata`] = {
      type: v("string", "suggestion-metadata"),
      score: listScore(q.type) ? { feature: v("float32", null), length: -1, id: "suggestion-metadata", _type: "Sequence" } : score,
      agent: v("string", "suggestion-metadata"),
    };
  }
  features.external_id = v("string", "external_id");
  features.metadata = v("string", "metadata");
  return features;
}

async function writeParquet(file: string, config: DatasetConfig, rows: Iterable<Record<string, unknown>>, opts: WriteExportOptions): Promise<number> {
  const groupRows = opts.rowGroupSize ?? 50_000;
  const every = opts.progressEvery ?? 100_000;
  const columns = exportColumns(config);
  const writer = new ParquetWriter({
    writer: fileWriter(file),
    schema: parquetSchema(config),
    kvMetadata: [{ key: "huggingface", value: pyJsonDumps({ info: { features: huggingfaceFeatures(config) } }) }],
    createdBy: "feedback-studio scripts/argilla-export/export-writer",
  });
  // min/max statistics on long free-text columns cost ~20% of the encoding time and help no reader
  const freeText = new Set<string>([...config.fields.map((f) => f.name), "metadata"]);
  for (const q of config.questions) if (q.type === "text") freeText.add(q.name).add(`${q.name}-suggestion`);
  let batch: unknown[][] = columns.map(() => []);
  let inBatch = 0;
  let n = 0;
  const flush = async () => {
    if (!inBatch) return;
    await writer.write({ columnData: columns.map((name, i) => ({ name, data: batch[i], statistics: !freeText.has(name) })), rowGroupSize: inBatch });
    batch = columns.map(() => []);
    inBatch = 0;
  };
  for (const row of rows) {
    for (let i = 0; i < columns.length; i++) batch[i].push(row[columns[i]]);
    inBatch++;
    n++;
    if (opts.onProgress && n % every === 0) opts.onProgress(n);
    if (inBatch >= groupRows) await flush();
  }
  await flush();
  await writer.finish();
  return n;
}
