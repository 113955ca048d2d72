import { existsSync, readdirSync } from "node:fs";
import { mkdir, realpath, symlink, writeFile } from "node:fs/promises";
import path from "node:path";
import { parquetWriteBuffer } from "hyparquet-writer";
import { afterAll, describe, expect, it } from "vitest";
import { ImportError } from "./errors";
import { defaultDatasetName, openExport, type ExportRecord, type ExportSource, type OpenExportOptions, type ZipLimits } from "./source";
import { buildZip, errorMessageOf, makeTempDir, removeTempDirs, settingsYaml, writeFiles, type ZipEntry } from "./test-helpers";

afterAll(removeTempDirs);

const MiB = 1024 * 1024;
const GENEROUS: ZipLimits = { maxBytes: 64 * MiB, maxEntries: 100, maxRatio: 200 };
/** Zip options that extract into a fresh folder under `parent` (so a test can see that nothing is left). */
function zipOptions(limits: Partial<ZipLimits> = {}, parent?: string): OpenExportOptions {
  return {
    zip: {
      limits: { ...GENEROUS, ...limits },
      folder: async () => {
        if (!parent) return makeTempDir("extract-");
        const folder = path.join(parent, `extract-${readdirSync(parent).length}`);
        await mkdir(folder);
        return folder;
      },
    },
  };
}

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
    const source = await openExport(zipPath, zipOptions());
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
    expect(await errorMessageOf(() => openExport(zipPath, zipOptions()))).toBe("broken/argilla.yaml: fields: expected at least 1 item(s), got list [] (and 1 more problem)");
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
    expect(await errorMessageOf(() => openExport(path.join(dir, "missing")))).toBe("missing: no such file or folder");
    await writeFiles(dir, { "notes.txt": "hi", "bad.zip": "this is not a zip" });
    expect(await errorMessageOf(() => openExport(path.join(dir, "notes.txt")))).toBe("notes.txt: expected a folder, a .zip file or an argilla.yaml, got another kind of file");
    expect(await errorMessageOf(() => openExport(path.join(dir, "bad.zip"), zipOptions()))).toMatch(/^bad\.zip: cannot unzip \(.+\)$/);
  });

  it("a zip entry that would escape the extraction folder", async () => {
    const dir = await makeTempDir();
    const zipPath = path.join(dir, "evil.zip");
    await writeFile(zipPath, buildZip([{ name: "../escaped/argilla.yaml", data: YAML }]));
    expect(await errorMessageOf(() => openExport(zipPath, zipOptions()))).toMatch(/^evil\.zip: cannot unzip \(.*\.\.\/escaped\/argilla\.yaml.*\)$/);
    expect(existsSync(path.join(dir, "..", "escaped"))).toBe(false);
  });
});

const NOT_ALLOWED = "does not exist or lies outside the folders the studio may read: the studio home and the shipped samples, or those STUDIO_IMPORT_ROOTS lists";

describe("openExport with roots (a path a request names)", () => {
  async function setup() {
    const root = await realpath(await makeTempDir("roots-"));
    const outside = await realpath(await makeTempDir("outside-"));
    await writeFiles(outside, { "argilla.yaml": YAML, "secret.yaml": "password: hunter2-secret\n", "data/train.jsonl": JSONL });
    return { root, outside, options: { roots: [root] } };
  }

  it("refuses /etc, /etc/passwd, a folder outside the roots, a relative path and a missing path with one message", async () => {
    const { root, outside, options } = await setup();
    const relative = path.relative(process.cwd(), "/etc/passwd"); // ../../etc/passwd
    for (const requested of ["/etc", "/etc/passwd", outside, relative, path.join(root, "missing"), path.join(outside, "missing")]) {
      const message = await errorMessageOf(() => openExport(requested, options));
      expect(message).toBe(`${JSON.stringify(requested)} ${NOT_ALLOWED}`);
    }
    expect(await errorMessageOf(() => openExport(relative, options))).not.toContain(process.cwd());
  });

  it("refuses an argilla.yaml or argilla.cfg that links outside the roots, quoting nothing of the target", async () => {
    const { root, outside, options } = await setup();
    for (const [name, target] of [
      ["argilla.yaml", "/etc/passwd"],
      ["argilla.yaml", path.join(outside, "secret.yaml")],
      ["argilla.cfg", "/etc/passwd"],
      ["argilla.yaml", path.join(outside, "no-such-file")],
    ] as const) {
      const dir = path.join(root, `link-${name}-${path.basename(target)}`);
      await writeFiles(dir, { "data/train.jsonl": JSONL });
      await symlink(target, path.join(dir, name));
      const message = await errorMessageOf(() => openExport(dir, options));
      expect(message).toBe(`${name}: refused: it links to something missing or outside the folders the studio may read: the studio home and the shipped samples, or those STUDIO_IMPORT_ROOTS lists`);
      expect(message).not.toMatch(/root:|hunter2/);
      // Named directly, the settings file is refused the same way as any path outside.
      expect(await errorMessageOf(() => openExport(path.join(dir, name), options))).toBe(`${JSON.stringify(path.join(dir, name))} ${NOT_ALLOWED}`);
    }
  });

  it("refuses a data file that links outside the roots", async () => {
    const { root, outside, options } = await setup();
    const dir = path.join(root, "linked-data");
    await writeFiles(dir, { "argilla.yaml": YAML });
    await mkdir(path.join(dir, "data"));
    await symlink(path.join(outside, "data/train.jsonl"), path.join(dir, "data/train.jsonl"));
    expect(await errorMessageOf(() => openExport(dir, options))).toMatch(/^data\/train\.jsonl: refused: it links to something missing or outside the folders the studio may read/);
    await symlink("/etc/passwd", path.join(dir, "passwd.jsonl"));
    const message = await errorMessageOf(() => openExport(dir, options));
    expect(message).toMatch(/: refused: it links to something missing or outside/);
    expect(message).not.toContain("root:");
  });

  it("follows links that stay inside the roots (a Hub cache snapshot links each file to a blob)", async () => {
    const { root, options } = await setup();
    await writeFiles(root, { "hub/blobs/aa11": YAML, "hub/blobs/bb22": JSONL });
    const snapshot = path.join(root, "hub/snapshots/main");
    await mkdir(path.join(snapshot, "data"), { recursive: true });
    await symlink("../../blobs/aa11", path.join(snapshot, "argilla.yaml"));
    await symlink("../../../blobs/bb22", path.join(snapshot, "data/train.jsonl"));
    const source = await openExport(snapshot, options);
    expect((await readAll(source)).map((r) => r.record.fields.text)).toEqual(["first", "second", "third"]);
    const bySettingsFile = await openExport(path.join(snapshot, "argilla.yaml"), options);
    expect(bySettingsFile.dataFiles).toEqual(["data/train.jsonl"]);
  });

  it("without roots (the CLI) links outside are followed", async () => {
    const { root, outside } = await setup();
    const dir = path.join(root, "cli-linked");
    await mkdir(path.join(dir, "data"), { recursive: true });
    await symlink(path.join(outside, "argilla.yaml"), path.join(dir, "argilla.yaml"));
    await symlink(path.join(outside, "data/train.jsonl"), path.join(dir, "data/train.jsonl"));
    expect(await readAll(await openExport(dir))).toHaveLength(3);
    expect(await readAll(await openExport(outside))).toHaveLength(3);
  });

  it("a zip under the roots is read from its extraction folder", async () => {
    const { root, options } = await setup();
    const zipPath = path.join(root, "emotion.zip");
    await writeFile(zipPath, buildZip([{ name: "argilla.yaml", data: YAML }, { name: "data/train.jsonl", data: JSONL, deflate: true }]));
    const source = await openExport(zipPath, { ...options, ...zipOptions() });
    expect(await readAll(source)).toHaveLength(3);
    await source.cleanup();
  });
});

/** Rewrites each central directory header of a zip built by buildZip (index: the entry's position). */
function patchCentral(zip: Buffer, patch: (at: number, index: number) => void): Buffer {
  const signature = Buffer.from([0x50, 0x4b, 0x01, 0x02]);
  let index = 0;
  for (let at = zip.indexOf(signature); at !== -1; at = zip.indexOf(signature, at + 4)) patch(at, index++);
  return zip;
}

describe("zip limits", () => {
  const jsonlOf = (bytes: number) => {
    const line = jsonlRow("x".repeat(200), "joy") + "\n";
    return line.repeat(Math.ceil(bytes / line.length));
  };

  async function refusal(entries: ZipEntry[] | Buffer, limits: Partial<ZipLimits>, name = "bomb.zip") {
    const dir = await makeTempDir("zip-limits-");
    const extractTo = path.join(dir, "extract");
    await mkdir(extractTo);
    const zipPath = path.join(dir, name);
    await writeFile(zipPath, Buffer.isBuffer(entries) ? entries : buildZip(entries));
    const message = await errorMessageOf(() => openExport(zipPath, zipOptions(limits, extractTo)));
    return { message, leftBehind: readdirSync(extractTo) };
  }

  it("refuses a zip that unpacks past STUDIO_ZIP_MAX_MB, leaving nothing behind", async () => {
    const { message, leftBehind } = await refusal(
      [{ name: "argilla.yaml", data: YAML }, { name: "data/train.jsonl", data: jsonlOf(3 * MiB), deflate: true }],
      { maxBytes: 2 * MiB },
    );
    expect(message).toBe("bomb.zip: refused: it unpacks to more than 2 MiB, the limit STUDIO_ZIP_MAX_MB sets");
    expect(leftBehind).toEqual([]);
  });

  it("an entry that declares fewer bytes than it holds is stopped as it streams, leaving nothing behind", async () => {
    const honest = buildZip([{ name: "argilla.yaml", data: YAML }, { name: "data/train.jsonl", data: jsonlOf(3 * MiB), deflate: true }]);
    // The central directory's uncompressed size is what yauzl reads.
    const lying = patchCentral(honest, (at, index) => {
      if (index === 1) honest.writeUInt32LE(1000, at + 24);
    });
    const { message, leftBehind } = await refusal(lying, { maxBytes: 2 * MiB });
    // yauzl checks each entry against its declared size (the byte count of extractZip backs it up).
    expect(message).toMatch(/^bomb\.zip: cannot unzip \(too many bytes in the stream\. expected 1000\. got at least \d+\)$/);
    expect(leftBehind).toEqual([]);
  });

  it("refuses an entry compressed more than STUDIO_ZIP_MAX_RATIO", async () => {
    const { message, leftBehind } = await refusal(
      [{ name: "argilla.yaml", data: YAML }, { name: "data/train.jsonl", data: "\n".repeat(4 * MiB), deflate: true }],
      { maxRatio: 50 },
    );
    expect(message).toBe('bomb.zip: refused: entry "data/train.jsonl" unpacks to more than 50 times its compressed size, the limit STUDIO_ZIP_MAX_RATIO sets');
    expect(leftBehind).toEqual([]);
  });

  it("refuses a zip with more entries than STUDIO_ZIP_MAX_ENTRIES", async () => {
    const entries = [{ name: "argilla.yaml", data: YAML }, ...Array.from({ length: 20 }, (_, i) => ({ name: `data/part-${i}.jsonl`, data: JSONL }))];
    const { message, leftBehind } = await refusal(entries, { maxEntries: 10 });
    expect(message).toBe("bomb.zip: refused: it holds 21 entries, more than 10, the limit STUDIO_ZIP_MAX_ENTRIES sets");
    expect(leftBehind).toEqual([]);
  });

  it("refuses a symbolic link entry instead of writing it as a file", async () => {
    const zip = buildZip([{ name: "data/train.jsonl", data: JSONL }, { name: "argilla.yaml", data: "/etc/passwd" }]);
    patchCentral(zip, (at, index) => {
      if (index !== 1) return;
      zip.writeUInt16LE((3 << 8) | 20, at + 4); // made by Unix
      zip.writeUInt32LE((0o120777 << 16) >>> 0, at + 38); // mode: a symbolic link
    });
    const { message, leftBehind } = await refusal(zip, {});
    expect(message).toBe('bomb.zip: refused: entry "argilla.yaml" is a symbolic link');
    expect(leftBehind).toEqual([]);
  });

  it("needs zip options to open a zip at all", async () => {
    const dir = await makeTempDir();
    await writeFile(path.join(dir, "a.zip"), buildZip([{ name: "argilla.yaml", data: YAML }]));
    expect(await errorMessageOf(() => openExport(path.join(dir, "a.zip")))).toMatch(/needs options\.zip/);
  });
});

describe("defaultDatasetName", () => {
  it("uses the folder or zip name", () => {
    expect(defaultDatasetName("/exports/emotion/")).toBe("emotion");
    expect(defaultDatasetName("/downloads/argilla-emotion.ZIP")).toBe("argilla-emotion");
    expect(defaultDatasetName("/exports/snli/argilla.cfg")).toBe("snli");
  });
});
