import { existsSync } from "node:fs";
import { writeFile } from "node:fs/promises";
import path from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, describe, expect, it } from "vitest";
import { ImportError } from "./errors";
import { defaultDatasetName, openExport, type ExportRecord, type ExportSource } from "./source";
import { buildZip, errorMessageOf, makeTempDir, removeTempDirs, settingsYaml, writeFiles } from "./test-helpers";

afterAll(removeTempDirs);

const U1 = "11111111-1111-4111-8111-111111111111";

/** A one-field, one-question dataset keeps these tests about files, not values. */
const EMOTION_SETTINGS = {
  fields: [{ name: "text", title: "Text", required: true, type: "text", use_markdown: false }],
  questions: [{ name: "label", title: "Emotion", type: "label_selection", labels: ["joy", "sadness"], required: true, description: null, visible_labels: null }],
  guidelines: null,
  metadata_properties: null,
  vectors_settings: null,
  allow_extra_metadata: true,
};
const YAML = settingsYaml(EMOTION_SETTINGS);

function jsonlRow(text: string, label: string | null): string {
  return JSON.stringify({
    text,
    label: label ? [{ user_id: U1, value: label, status: "submitted" }] : [],
    "label-suggestion": null,
    "label-suggestion-metadata": { type: null, score: null, agent: null },
    external_id: null,
    metadata: "{}",
  });
}

const JSONL = [jsonlRow("first", "joy"), jsonlRow("second", "sadness"), jsonlRow("third", null)].join("\n") + "\n";

/** A Parquet shard whose rows are labelled `${prefix} i`. */
function parquetShard(prefix: string, rows: number): Uint8Array {
  const schema = [
    { name: "root", num_children: 2 },
    { name: "text", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
    { name: "label", repetition_type: "OPTIONAL", converted_type: "LIST", num_children: 1 },
    { name: "list", repetition_type: "REPEATED", num_children: 1 },
    { name: "element", repetition_type: "OPTIONAL", num_children: 3 },
    { name: "user_id", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
    { name: "value", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
    { name: "status", type: "BYTE_ARRAY", converted_type: "UTF8", repetition_type: "OPTIONAL" },
  ] as const;
  const texts = Array.from({ length: rows }, (_, i) => `${prefix} ${i}`);
  const buffer = parquetWriteBuffer({
    schema: [...schema],
    columnData: [
      { name: "text", data: texts },
      { name: "label", data: texts.map(() => [{ user_id: U1, value: "joy", status: "submitted" }]) },
    ],
  });
  return new Uint8Array(buffer);
}

async function readAll(source: ExportSource): Promise<ExportRecord[]> {
  const records: ExportRecord[] = [];
  for await (const record of source.records()) records.push(record);
  return records;
}

describe("openExport", () => {
  it("opens a folder with argilla.yaml and data/*.jsonl", async () => {
    const dir = path.join(await makeTempDir(), "emotion");
    await writeFiles(dir, { "argilla.yaml": YAML, "data/train.jsonl": JSONL, "README.md": "# card" });
    const source = await openExport(dir);
    expect(source.settingsFile).toBe("argilla.yaml");
    expect(source.settings.questions[0]!.name).toBe("label");
    expect(source.dataFiles).toEqual(["data/train.jsonl"]);
    expect(source.totalRows).toBe(3);
    expect(source.progress()).toEqual({ rowsRead: 0, totalRows: 3 });

    const records = await readAll(source);
    expect(records.map(({ file, line, record }) => ({ file, line, text: record.fields.text, responses: record.responses.length }))).toEqual([
      { file: "data/train.jsonl", line: 1, text: "first", responses: 1 },
      { file: "data/train.jsonl", line: 2, text: "second", responses: 1 },
      { file: "data/train.jsonl", line: 3, text: "third", responses: 0 },
    ]);
    expect(source.progress()).toEqual({ rowsRead: 3, totalRows: 3 });
    await source.cleanup(); // nothing to clean for a folder
    expect(existsSync(dir)).toBe(true);
    expect(defaultDatasetName(dir)).toBe("emotion");
  });

  it("accepts the path of argilla.yaml itself, and *.jsonl beside it", async () => {
    const dir = path.join(await makeTempDir(), "beside");
    await writeFiles(dir, { "argilla.yaml": YAML, "records.jsonl": JSONL });
    const source = await openExport(path.join(dir, "argilla.yaml"));
    expect(source.dataFiles).toEqual(["records.jsonl"]);
    expect((await readAll(source)).length).toBe(3);
    expect(defaultDatasetName(path.join(dir, "argilla.yaml"))).toBe("beside");
  });

  it("opens a zip that wraps the export in a folder, and cleans up what it extracted", async () => {
    const dir = await makeTempDir();
    const zipPath = path.join(dir, "My Emotions.zip");
    await writeFile(
      zipPath,
      buildZip([
        { name: "emotion/", data: "" },
        { name: "emotion/argilla.yaml", data: YAML, deflate: true },
        { name: "emotion/README.md", data: "# card", deflate: true },
        { name: "emotion/data/train.jsonl", data: JSONL, deflate: true },
        { name: "__MACOSX/emotion/._argilla.yaml", data: "junk" },
        { name: "emotion/.hidden.jsonl", data: "not json" },
      ]),
    );
    const source = await openExport(zipPath);
    expect(source.settingsFile).toBe("emotion/argilla.yaml");
    expect(source.dataFiles).toEqual(["data/train.jsonl"]);
    expect(source.totalRows).toBe(3);
    expect((await readAll(source)).map((r) => r.record.fields.text)).toEqual(["first", "second", "third"]);
    expect(existsSync(source.exportDir)).toBe(true);
    await source.cleanup();
    expect(existsSync(source.exportDir)).toBe(false);
    await source.cleanup(); // idempotent
    expect(defaultDatasetName(zipPath)).toBe("My Emotions");
  });

  it("reads HF Parquet shards ordered by split then shard, with row counts from the footers", async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, {
      "argilla.yaml": YAML,
      "data/test-00000-of-00001.parquet": parquetShard("test", 2),
      "data/train-00001-of-00002.parquet": parquetShard("train-b", 2),
      "data/train-00000-of-00002.parquet": parquetShard("train-a", 3),
    });
    const source = await openExport(dir);
    expect(source.dataFiles).toEqual(["data/train-00000-of-00002.parquet", "data/train-00001-of-00002.parquet", "data/test-00000-of-00001.parquet"]);
    expect(source.totalRows).toBe(7);
    const records = await readAll(source);
    expect(records.map((r) => `${r.file.slice(5, 16)}:${r.row}:${r.record.fields.text}`)).toEqual([
      "train-00000:1:train-a 0",
      "train-00000:2:train-a 1",
      "train-00000:3:train-a 2",
      "train-00001:1:train-b 0",
      "train-00001:2:train-b 1",
      "test-00000-:1:test 0",
      "test-00000-:2:test 1",
    ]);
    expect(records.every((r) => r.line === undefined)).toBe(true);
    expect(source.progress()).toEqual({ rowsRead: 7, totalRows: 7 });
  });

  it("falls back to a legacy argilla.cfg, with 1.13-layout data", async () => {
    const dir = await makeTempDir();
    const cfg = {
      fields: [{ name: "text", title: "Text", required: true, settings: { type: "text" } }],
      questions: [{ name: "label", title: "Emotion", required: true, settings: { type: "label_selection", options: [{ value: "joy", text: "joy" }, { value: "sadness", text: "sadness" }] } }],
      guidelines: null,
    };
    const legacyRow = JSON.stringify({ text: "old", label: { user_id: [U1], value: ["sadness"], status: ["submitted"] }, external_id: null, metadata: null });
    await writeFiles(dir, { "argilla.cfg": JSON.stringify(cfg), "data/train.jsonl": legacyRow + "\n" });
    const source = await openExport(dir);
    expect(source.settingsFile).toBe("argilla.cfg");
    const [only] = await readAll(source);
    expect(only!.record.responses).toEqual([{ userId: U1, status: "submitted", values: { label: "sadness" } }]);
  });
});

describe("openExport errors", () => {
  it("no settings file at the top or one folder down", async () => {
    const dir = path.join(await makeTempDir(), "nothing-here");
    await writeFiles(dir, { "data/train.jsonl": JSONL, "a/b/argilla.yaml": YAML });
    expect(await errorMessageOf(() => openExport(dir))).toBe(
      "nothing-here: no argilla.yaml (or legacy argilla.cfg) found, neither at the top level nor one folder down",
    );
  });

  it("two exports one folder down", async () => {
    const dir = path.join(await makeTempDir(), "two");
    await writeFiles(dir, { "a/argilla.yaml": YAML, "b/argilla.yaml": YAML });
    expect(await errorMessageOf(() => openExport(dir))).toBe("two: found more than one export (a/argilla.yaml, b/argilla.yaml); open one of those folders instead");
  });

  it("no data files", async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { "argilla.yaml": YAML, "data/README.md": "no data" });
    expect(await errorMessageOf(() => openExport(dir))).toBe(
      "argilla.yaml: no data files next to it: looked for data/*.jsonl, data/*.parquet, *.jsonl and *.parquet",
    );
  });

  it("both JSONL and Parquet data", async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { "argilla.yaml": YAML, "data/train.jsonl": JSONL, "data/train-00000-of-00001.parquet": parquetShard("x", 1) });
    expect(await errorMessageOf(() => openExport(dir))).toBe(
      "argilla.yaml: found both JSONL and Parquet data files (data/train-00000-of-00001.parquet, data/train.jsonl); keep only one format",
    );
  });

  it("an invalid argilla.yaml names the file inside the zip's folder", async () => {
    const dir = await makeTempDir();
    const zipPath = path.join(dir, "broken.zip");
    await writeFile(zipPath, buildZip([{ name: "broken/argilla.yaml", data: "fields: []\nquestions: []\n" }, { name: "broken/data/train.jsonl", data: JSONL }]));
    expect(await errorMessageOf(() => openExport(zipPath))).toBe("broken/argilla.yaml: fields: expected at least 1 item(s), got list [] (and 1 more problem)");
  });

  it("a column declared in argilla.yaml but missing from the data", async () => {
    const dir = await makeTempDir();
    const row = JSON.parse(jsonlRow("x", "joy")) as Record<string, unknown>;
    delete row.label;
    await writeFiles(dir, { "argilla.yaml": YAML, "data/train.jsonl": JSON.stringify(row) + "\n" });
    const source = await openExport(dir);
    const error = await readAll(source).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ImportError);
    expect((error as Error).message).toBe('data/train.jsonl line 1, column "label": the column is declared in argilla.yaml but missing from the data');
  });

  it("a truncated data file", async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { "argilla.yaml": YAML, "data/train.jsonl": JSONL + jsonlRow("fourth", "joy").slice(0, 40) });
    const source = await openExport(dir);
    expect(source.totalRows).toBe(4);
    expect(await errorMessageOf(() => readAll(source))).toMatch(/^data\/train\.jsonl line 4: invalid JSON \(.+\); this last line has no line break, so the file looks truncated/);
    expect(source.progress().rowsRead).toBe(3);
  });

  it("an empty data file", async () => {
    const dir = await makeTempDir();
    await writeFiles(dir, { "argilla.yaml": YAML, "data/train.jsonl": "" });
    const source = await openExport(dir);
    expect(source.totalRows).toBe(0);
    expect(await errorMessageOf(() => readAll(source))).toBe("data/train.jsonl: no records (the file is empty)");
  });

  it("a path that does not exist, a file of another kind, and a corrupt zip", async () => {
    const dir = await makeTempDir();
    expect(await errorMessageOf(() => openExport(path.join(dir, "missing")))).toBe(`missing: no such file or folder: ${path.join(dir, "missing")}`);
    await writeFiles(dir, { "notes.txt": "hi", "bad.zip": "this is not a zip" });
    expect(await errorMessageOf(() => openExport(path.join(dir, "notes.txt")))).toBe("notes.txt: expected a folder, a .zip file or an argilla.yaml, got another kind of file");
    expect(await errorMessageOf(() => openExport(path.join(dir, "bad.zip")))).toMatch(/^bad\.zip: cannot unzip \(.+\)$/);
  });

  it("a zip entry that would escape the extraction folder", async () => {
    const dir = await makeTempDir();
    const zipPath = path.join(dir, "evil.zip");
    await writeFile(zipPath, buildZip([{ name: "../escaped/argilla.yaml", data: YAML }]));
    expect(await errorMessageOf(() => openExport(zipPath))).toMatch(/^evil\.zip: cannot unzip \(.*\.\.\/escaped\/argilla\.yaml.*\)$/);
    expect(existsSync(path.join(dir, "..", "escaped"))).toBe(false);
  });
});

describe("defaultDatasetName", () => {
  it("uses the folder or zip name", () => {
    expect(defaultDatasetName("/exports/emotion/")).toBe("emotion");
    expect(defaultDatasetName("/downloads/argilla-emotion.ZIP")).toBe("argilla-emotion");
    expect(defaultDatasetName("/exports/snli/argilla.cfg")).toBe("snli");
  });
});
